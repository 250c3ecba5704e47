#include "agent/usb/medium_helper.h"

#include <algorithm>
#include <array>
#include <ctime>
#include <limits>
#include <set>

#include "common/encoding.h"
#include "common/json.h"
#include "common/json_reader.h"
#include "common/os/block_device.h"

namespace piiguard::agent::usb {
namespace {

constexpr const char* kContext = "medium helper";
constexpr int64_t kMaxInt = std::numeric_limits<int64_t>::max();
constexpr int64_t kMaxMinor = std::numeric_limits<uint32_t>::max();
constexpr size_t kMaxMounts = 1024;
constexpr size_t kMaxPartitions = 256;

Status TooLarge(std::string_view what) {
  return InvalidArgumentError(kContext, what, "larger than 256 KiB");
}

// A base64 field (any bytes).
std::string Bytes(JsonReader& r, std::string_view key) {
  std::string text = r.String(key);
  Result<std::string> bytes = Base64Decode(text);
  if (!bytes.ok()) {
    r.Error(key, "expected base64");
    return "";
  }
  return *bytes;
}

Json TargetJson(const os::MountTarget& t) {
  return Json{{"ns", Base64Encode(t.ns)},
              {"pid", t.pid},
              {"mount_point", Base64Encode(t.mount_point)},
              {"major", t.device.major},
              {"minor", t.device.minor}};
}

os::MountTarget ParseTarget(JsonReader& r) {
  os::MountTarget t;
  t.ns = Bytes(r, "ns");
  t.pid = static_cast<int>(r.Int("pid", 0, std::numeric_limits<int>::max()));
  t.mount_point = Bytes(r, "mount_point");
  if (r.Has("mount_point") && !t.mount_point.starts_with('/')) {
    r.Error("mount_point", "expected an absolute path");
  }
  t.device.major = static_cast<uint32_t>(r.Int("major", 0, kMaxMinor));
  t.device.minor = static_cast<uint32_t>(r.Int("minor", 0, kMaxMinor));
  return t;
}

void CheckDevice(JsonReader& r, std::string_view key, const std::string& name) {
  if (r.Has(key) && !os::CheckBlockDeviceName(name).ok()) {
    r.Error(key, "expected a kernel block device name");
  }
}

Result<Json> ParseObject(std::string_view bytes, std::string_view what) {
  if (bytes.size() > kMaxMediumMessageSize) return TooLarge(what);
  return ParseJsonStrict(bytes, what);
}

// The filesystem's block device: the disk itself, or the partition that
// starts where the filesystem does.
Result<std::string> FilesystemDevice(const MediumRequest& request,
                                     const stick::MediumInfo& medium) {
  if (medium.fs.offset == 0) return request.disk;
  for (const PartitionStart& part : request.partitions) {
    if (part.offset == medium.fs.offset) return part.name;
  }
  return NotFoundError("usb", request.disk,
                       "no partition holds the filesystem");
}

MediumAnswer Read(const MediumRequest& request, StickMedium& medium) {
  MediumAnswer answer;
  Result<stick::MediumInfo> info = medium.Probe(request.disk);
  if (!info.ok()) {
    answer.error = info.status().message();
    return answer;
  }
  answer.medium = *info;
  Result<std::string> device = FilesystemDevice(request, *info);
  if (!device.ok()) {
    answer.error = device.status().message();
    return answer;
  }
  answer.fs_device = *device;
  Result<std::optional<std::string>> key =
      medium.ReadKeyFile(*device, info->fs.type);
  if (!key.ok()) {
    answer.error = key.status().message();
    return answer;
  }
  answer.key_file = std::move(key).value();
  return answer;
}

MediumAnswer Close(const MediumRequest& request, os::MountControl& mounts,
                   const MediumHelperOptions& options) {
  MediumAnswer answer;
  for (const os::MountTarget& target : request.mounts) {
    CloseOutcome outcome;
    outcome.mount = target;
    Status read_only;
    for (int attempt = 0; attempt < std::max(1, options.busy_attempts);
         ++attempt) {
      if (attempt > 0) {
        if (options.pause) {
          options.pause();
        } else {
          timespec pause{0, 20'000'000};
          ::nanosleep(&pause, nullptr);
        }
      }
      read_only = mounts.MakeMountReadOnly(target);
      // Busy: a file on it is open for writing, maybe only for a moment.
      if (read_only.code() != StatusCode::kFailedPrecondition) break;
    }
    if (read_only.ok()) {
      outcome.action = CloseAction::kReadOnly;
    } else {
      outcome.error = read_only.message();
      Status detached = mounts.Detach(target);
      if (detached.ok()) {
        outcome.action = CloseAction::kDetached;
      } else {
        outcome.action = CloseAction::kFailed;
        outcome.error += "; " + std::string(detached.message());
      }
    }
    answer.closed.push_back(std::move(outcome));
  }
  return answer;
}

}  // namespace

std::string_view CloseActionName(CloseAction action) {
  switch (action) {
    case CloseAction::kReadOnly:
      return "read_only";
    case CloseAction::kDetached:
      return "detached";
    case CloseAction::kFailed:
      return "failed";
  }
  return "failed";
}

bool MediumAnswer::operator==(const MediumAnswer& other) const {
  return error == other.error &&
         medium.capacity_bytes == other.medium.capacity_bytes &&
         medium.fs.offset == other.medium.fs.offset &&
         medium.fs.size == other.medium.fs.size &&
         medium.fs.type == other.medium.fs.type &&
         medium.fs.uuid == other.medium.fs.uuid &&
         fs_device == other.fs_device && key_file == other.key_file &&
         closed == other.closed;
}

std::string SerializeMediumRequest(const MediumRequest& request) {
  Json json;
  if (request.kind == MediumRequest::Kind::kRead) {
    Json parts = Json::array();
    for (const PartitionStart& p : request.partitions) {
      parts.push_back(Json{{"name", p.name}, {"offset", p.offset}});
    }
    json = Json{{"op", "read"}, {"disk", request.disk}, {"partitions", parts}};
  } else {
    Json list = Json::array();
    for (const os::MountTarget& t : request.mounts) {
      list.push_back(TargetJson(t));
    }
    json = Json{{"op", "close"}, {"mounts", list}};
  }
  return json.dump();
}

Result<MediumRequest> ParseMediumRequest(std::string_view bytes) {
  PIIGUARD_ASSIGN_OR_RETURN(Json json, ParseObject(bytes, "medium request"));
  JsonErrors errors("medium request");
  JsonReader r(json, "$", errors);
  MediumRequest request;
  static constexpr std::array<std::string_view, 2> kOps = {"read", "close"};
  if (r.Enum("op", kOps) == "close") {
    request.kind = MediumRequest::Kind::kClose;
    r.Array("mounts", true, [&](const Json& item, const std::string& path) {
      JsonReader m(item, path, errors);
      if (request.mounts.size() >= kMaxMounts) {
        errors.Add(path, "too many mounts");
        return;
      }
      request.mounts.push_back(ParseTarget(m));
      m.Finish();
    });
  } else {
    request.disk = r.String("disk");
    CheckDevice(r, "disk", request.disk);
    r.Array("partitions", true, [&](const Json& item, const std::string& path) {
      JsonReader p(item, path, errors);
      if (request.partitions.size() >= kMaxPartitions) {
        errors.Add(path, "too many partitions");
        return;
      }
      PartitionStart part;
      part.name = p.String("name");
      CheckDevice(p, "name", part.name);
      part.offset = static_cast<uint64_t>(p.Int("offset", 0, kMaxInt));
      p.Finish();
      request.partitions.push_back(std::move(part));
    });
  }
  r.Finish();
  PIIGUARD_RETURN_IF_ERROR(errors.ToStatus());
  return request;
}

std::string SerializeMediumAnswer(const MediumAnswer& answer) {
  Json json = {{"error", Base64Encode(answer.error)},
               {"capacity", answer.medium.capacity_bytes},
               {"fs",
                {{"offset", answer.medium.fs.offset},
                 {"size", answer.medium.fs.size},
                 {"type", Base64Encode(answer.medium.fs.type)},
                 {"uuid", Base64Encode(answer.medium.fs.uuid)}}},
               {"fs_device", answer.fs_device}};
  if (answer.key_file) json["key_file"] = Base64Encode(*answer.key_file);
  Json closed = Json::array();
  for (const CloseOutcome& o : answer.closed) {
    closed.push_back(Json{{"mount", TargetJson(o.mount)},
                          {"action", CloseActionName(o.action)},
                          {"error", Base64Encode(o.error)}});
  }
  json["closed"] = closed;
  return json.dump();
}

Result<MediumAnswer> ParseMediumAnswer(std::string_view bytes) {
  PIIGUARD_ASSIGN_OR_RETURN(Json json, ParseObject(bytes, "medium answer"));
  JsonErrors errors("medium answer");
  JsonReader r(json, "$", errors);
  MediumAnswer answer;
  answer.error = Bytes(r, "error");
  answer.medium.capacity_bytes =
      static_cast<uint64_t>(r.Int("capacity", 0, kMaxInt));
  JsonReader fs = r.Object("fs");
  answer.medium.fs.offset = static_cast<uint64_t>(fs.Int("offset", 0, kMaxInt));
  answer.medium.fs.size = static_cast<uint64_t>(fs.Int("size", 0, kMaxInt));
  answer.medium.fs.type = Bytes(fs, "type");
  answer.medium.fs.uuid = Bytes(fs, "uuid");
  fs.Finish();
  answer.fs_device = r.String("fs_device");
  if (!answer.fs_device.empty()) CheckDevice(r, "fs_device", answer.fs_device);
  if (r.Has("key_file")) {
    answer.key_file = Bytes(r, "key_file");
    if (answer.key_file->size() > stick::kMaxKeyFileSize) {
      r.Error("key_file", "larger than 64 KiB");
    }
  }
  r.Array("closed", true, [&](const Json& item, const std::string& path) {
    JsonReader c(item, path, errors);
    CloseOutcome outcome;
    JsonReader m = c.Object("mount");
    outcome.mount = ParseTarget(m);
    m.Finish();
    static constexpr std::array<std::string_view, 3> kActions = {
        "read_only", "detached", "failed"};
    std::string action = c.Enum("action", kActions);
    outcome.action = action == "read_only"  ? CloseAction::kReadOnly
                     : action == "detached" ? CloseAction::kDetached
                                            : CloseAction::kFailed;
    outcome.error = Bytes(c, "error");
    c.Finish();
    if (answer.closed.size() < kMaxMounts) {
      answer.closed.push_back(std::move(outcome));
    } else {
      errors.Add(path, "too many mounts");
    }
  });
  r.Finish();
  PIIGUARD_RETURN_IF_ERROR(errors.ToStatus());
  return answer;
}

MediumAnswer RunMediumRequest(const MediumRequest& request, StickMedium& medium,
                              os::MountControl& mounts,
                              const MediumHelperOptions& options) {
  return request.kind == MediumRequest::Kind::kRead
             ? Read(request, medium)
             : Close(request, mounts, options);
}

void SettleMediumRequest(const MediumRequest& request,
                         const MediumAnswer& answer, os::MountControl& mounts) {
  if (request.kind != MediumRequest::Kind::kClose) return;
  std::set<os::DeviceNumber> done;
  for (const CloseOutcome& outcome : answer.closed) {
    if (outcome.action != CloseAction::kReadOnly ||
        !done.insert(outcome.mount.device).second) {
      continue;
    }
    (void)mounts.MakeSuperblockReadOnly(outcome.mount);
  }
}

}  // namespace piiguard::agent::usb
