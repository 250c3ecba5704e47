#include "common/exception_delivery.h"

#include "common/encoding.h"
#include "common/json.h"

namespace piiguard {
namespace {

constexpr std::string_view kContext = "exception delivery";

Status CheckLimits(const ExceptionDelivery& delivery) {
  if (delivery.files.size() > kMaxDeliveredFiles) {
    return InvalidArgumentError(
        kContext, "$.files", "more than " + std::to_string(kMaxDeliveredFiles));
  }
  size_t total = 0;
  for (const std::string& file : delivery.files) {
    if (file.empty() || file.size() > kMaxDeliveredFileBytes) {
      return InvalidArgumentError(kContext, "$.files[]",
                                  "expected 1 to 16384 bytes");
    }
    total += file.size();
  }
  if (total > kMaxDeliveredBytes) {
    return InvalidArgumentError(kContext, "$.files", "over 128 KiB in all");
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> SerializeExceptionDelivery(const ExceptionDelivery& d) {
  PIIGUARD_RETURN_IF_ERROR(CheckLimits(d));
  Json files = Json::array();
  for (const std::string& file : d.files) files.push_back(Base64Encode(file));
  Json json = {{"format", std::string(kExceptionDeliveryFormat)},
               {"files", std::move(files)}};
  return json.dump();
}

Result<ExceptionDelivery> ParseExceptionDelivery(std::string_view body) {
  if (body.size() > kMaxDeliveryAnswerBytes) {
    return InvalidArgumentError(kContext, "$", "over 192 KiB");
  }
  PIIGUARD_ASSIGN_OR_RETURN(Json json, ParseJsonStrict(body, kContext));
  if (!json.is_object() || json.size() != 2 || !json.contains("format") ||
      !json.contains("files")) {
    return InvalidArgumentError(kContext, "$", "expected format and files");
  }
  const Json& format = json["format"];
  if (!format.is_string() ||
      format.get<std::string>() != kExceptionDeliveryFormat) {
    return InvalidArgumentError(kContext, "$.format",
                                "expected piiguard-exceptions/1");
  }
  const Json& files = json["files"];
  if (!files.is_array() || files.size() > kMaxDeliveredFiles) {
    return InvalidArgumentError(kContext, "$.files",
                                "expected an array of at most 16");
  }
  ExceptionDelivery delivery;
  for (const Json& file : files) {
    if (!file.is_string()) {
      return InvalidArgumentError(kContext, "$.files[]", "expected string");
    }
    const auto& text = file.get_ref<const std::string&>();
    PIIGUARD_ASSIGN_OR_RETURN(std::string bytes, Base64Decode(text));
    // Only the canonical base64 of the bytes (one text per file).
    if (Base64Encode(bytes) != text) {
      return InvalidArgumentError(kContext, "$.files[]", "not canonical");
    }
    delivery.files.push_back(std::move(bytes));
  }
  PIIGUARD_RETURN_IF_ERROR(CheckLimits(delivery));
  return delivery;
}

}  // namespace piiguard
