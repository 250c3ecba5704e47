#include "policy/admin/exception_issue.h"

#include "common/file_util.h"

namespace piiguard::admin {
namespace {

constexpr std::string_view kContext = "exception issue";

// A uniform random id of 64 bits, never 0.
Result<uint64_t> RandomId() {
  for (int attempt = 0; attempt < 8; ++attempt) {
    PIIGUARD_ASSIGN_OR_RETURN(std::string bytes, RandomBytes(8));
    uint64_t value = 0;
    for (char c : bytes) value = (value << 8) | static_cast<uint8_t>(c);
    if (value != 0) return value;
  }
  return InternalError(kContext, "id", "no random value");
}

// The duration class of `minutes` within `scope`'s cap.
Result<exception::DurationClass> DurationOf(exception::ScopeKind scope,
                                            int64_t minutes) {
  for (int digit = 1; digit <= 9; ++digit) {
    std::optional<exception::DurationClass> d =
        exception::DurationClassFromDigit(digit);
    if (d && exception::DurationMinutes(*d) == minutes &&
        *d <= exception::MaxDuration(scope)) {
      return *d;
    }
  }
  return InvalidArgumentError(kContext, "--minutes " + std::to_string(minutes),
                              "must be 15, 30, 60, 120, 240 or 480, at most " +
                                  std::to_string(exception::DurationMinutes(
                                      exception::MaxDuration(scope))));
}

// The scope, and the identity only with a stick.
Result<exception::ScopeKind> ScopeOf(const IssueRequest& request) {
  std::optional<exception::ScopeKind> scope =
      exception::ScopeKindFromName(request.scope);
  if (!scope || !exception::FileScopeAllowed(*scope)) {
    return InvalidArgumentError(kContext, "--scope " + request.scope,
                                "expected stick or radios");
  }
  const bool stick = *scope == exception::ScopeKind::kStickWritable;
  if (stick && request.identity.empty()) {
    return InvalidArgumentError(kContext, "--identity",
                                "required with --scope stick");
  }
  if (!stick && !request.identity.empty()) {
    return InvalidArgumentError(kContext, "--identity",
                                "only with --scope stick");
  }
  return *scope;
}

}  // namespace

Result<BuiltFile> BuildExceptionFile(
    const IssueRequest& request,
    const std::vector<exception::ResponsiblePerson>& persons,
    const os::Clock& clock) {
  PIIGUARD_ASSIGN_OR_RETURN(exception::ScopeKind scope, ScopeOf(request));
  if (request.person < 0 ||
      static_cast<size_t>(request.person) >= persons.size()) {
    return InvalidArgumentError(
        kContext, "--person " + std::to_string(request.person),
        "names nobody: the policy lists " + std::to_string(persons.size()) +
            " responsible persons (piiguard-admin exception persons shows "
            "them)");
  }
  if (request.days < 1 || request.days > 7) {
    return InvalidArgumentError(kContext, "--days", "must be 1 to 7");
  }
  BuiltFile built;
  built.person = persons[static_cast<size_t>(request.person)];
  exception::ExceptionFile& file = built.file;
  PIIGUARD_ASSIGN_OR_RETURN(file.duration, DurationOf(scope, request.minutes));
  PIIGUARD_ASSIGN_OR_RETURN(file.id, RandomId());
  file.pc_id = request.pc_id;
  file.scope = scope;
  file.identity = request.identity;
  file.person = built.person.id;
  file.reason = request.reason;
  file.issued_at = clock.WallMs() / 1000;
  file.redeem_by = file.issued_at + request.days * 24 * 60 * 60;
  // The payload is checked as the PC's parser checks it.
  Result<std::string> payload = exception::ExceptionFilePayload(file);
  if (!payload.ok()) return payload.status().Annotate(kContext);
  built.payload = std::move(*payload);
  return built;
}

Result<IssuedFile> IssueExceptionFile(
    const IssueRequest& request,
    const std::vector<exception::ResponsiblePerson>& persons,
    const Ed25519PrivateKey& city_key, const os::Clock& clock) {
  PIIGUARD_ASSIGN_OR_RETURN(BuiltFile built,
                            BuildExceptionFile(request, persons, clock));
  Result<std::string> bytes =
      exception::SignExceptionFile(built.file, city_key);
  if (!bytes.ok()) return bytes.status().Annotate(kContext);
  return IssuedFile{std::move(built.file), std::move(built.person),
                    std::move(*bytes)};
}

std::string ConsigneeOfPc(const policy::Policy& policy,
                          std::string_view pc_id) {
  for (const policy::Consignee& consignee : policy.consignees) {
    for (const std::string& pc : consignee.pcs) {
      if (pc == pc_id) return consignee.id;
    }
  }
  return "";
}

Status CheckPersonForPc(const exception::ResponsiblePerson& person,
                        std::string_view pc_id, std::string_view pc_consignee) {
  if (pc_consignee.empty() || person.consignee == pc_consignee) {
    return Status::Ok();
  }
  return InvalidArgumentError(
      kContext, "--person " + std::to_string(person.index),
      person.name + " is of consignee " + person.consignee + ", but pc " +
          std::string(pc_id) + " is of consignee " + std::string(pc_consignee) +
          ": only its own consignee's persons may permit it");
}

Status WriteIssuedFile(const std::string& path, const std::string& bytes) {
  return WriteFileAtomic(path, bytes, 0644, Overwrite::kRefuse);
}

}  // namespace piiguard::admin
