#include "agent/usb/present_devices.h"

#include <algorithm>
#include <cstdint>

#include "agent/usb/device_rules.h"
#include "agent/usb/usb_paths.h"
#include "common/json.h"
#include "common/json_reader.h"

namespace piiguard::agent::usb {
namespace {

constexpr std::string_view kContext = "present devices";
constexpr size_t kMaxSerial = 512;
constexpr size_t kMaxInterfaces = 256;

bool IsLowerHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

bool IsHexId(std::string_view text) {
  return text.size() == 4 && std::all_of(text.begin(), text.end(), IsLowerHex);
}

// "08/06/50": class/subclass/protocol, two lower-case hex digits each.
bool IsInterfaceText(std::string_view text) {
  if (text.size() != 8 || text[2] != '/' || text[5] != '/') return false;
  for (size_t i : {0, 1, 3, 4, 6, 7}) {
    if (!IsLowerHex(text[i])) return false;
  }
  return true;
}

// A port as sysfs names it: "1-1", "3-2.4.1": a bus number, '-', then 1
// to 7 port numbers separated by single dots.
bool IsPortName(std::string_view name) {
  if (!IsUsbDeviceName(name) || name.size() > 32) return false;
  std::string_view ports = name.substr(name.find('-') + 1);
  size_t count = 0;
  for (size_t start = 0; start <= ports.size(); ++count) {
    size_t dot = ports.find('.', start);
    if (dot == std::string_view::npos) dot = ports.size();
    if (dot == start) return false;  // empty: "1-1..2", "1-.1", "1-1."
    start = dot + 1;
  }
  return count <= 7;
}

PresentDevice ReadDevice(JsonReader& r) {
  PresentDevice d;
  d.vid = r.String("vid");
  d.pid = r.String("pid");
  d.serial = r.String("serial");
  d.interfaces = r.StringArray("interfaces", true);
  d.port = r.String("port");
  if (r.Has("vid") && !IsHexId(d.vid)) r.Error("vid", "expected 4 hex digits");
  if (r.Has("pid") && !IsHexId(d.pid)) r.Error("pid", "expected 4 hex digits");
  if (d.serial.size() > kMaxSerial) r.Error("serial", "too long");
  if (d.interfaces.size() > kMaxInterfaces) {
    r.Error("interfaces", "too many");
  }
  for (const std::string& i : d.interfaces) {
    if (!IsInterfaceText(i)) r.Error("interfaces", "expected \"cc/ss/pp\"");
  }
  if (r.Has("port") && !IsPortName(d.port)) {
    r.Error("port", "expected a USB port (\"1-1.2\")");
  }
  r.Finish();
  return d;
}

}  // namespace

Result<PresentDevices> ParsePresentDevices(std::string_view bytes) {
  if (bytes.size() > kMaxPresentDevicesBytes) {
    return InvalidArgumentError(kContext, "file", "too large");
  }
  PIIGUARD_ASSIGN_OR_RETURN(Json json, ParseJsonStrict(bytes, kContext));
  JsonErrors errors{std::string(kContext)};
  JsonReader root(json, "$", errors);
  PresentDevices out;
  if (root.String("format") != kPresentDevicesFormat) {
    root.Error("format", "expected " + std::string(kPresentDevicesFormat));
  }
  out.recorded_ms = root.Int("recorded_ms", 0, INT64_MAX);
  root.Array("devices", true,
             [&](const Json& element, const std::string& path) {
               if (out.devices.size() == kMaxPresentDevices) {
                 errors.Add(path, "too many devices");
                 return;
               }
               JsonReader device(element, path, errors);
               out.devices.push_back(ReadDevice(device));
             });
  root.Finish();
  PIIGUARD_RETURN_IF_ERROR(errors.ToStatus());
  return out;
}

std::string SerializePresentDevices(const PresentDevices& present) {
  Json devices = Json::array();
  for (const PresentDevice& d : present.devices) {
    devices.push_back(Json{{"vid", d.vid},
                           {"pid", d.pid},
                           {"serial", d.serial},
                           {"interfaces", d.interfaces},
                           {"port", d.port}});
  }
  Json json = {{"format", kPresentDevicesFormat},
               {"recorded_ms", present.recorded_ms},
               {"devices", std::move(devices)}};
  return json.dump(1, ' ', false, Json::error_handler_t::replace) + "\n";
}

PresentDevice DescribeDevice(const os::UsbDescriptors& descriptors,
                             std::string serial, std::string port) {
  PresentDevice d;
  std::string ids = VidPid(descriptors);  // "vvvv:pppp"
  d.vid = ids.substr(0, 4);
  d.pid = ids.substr(5, 4);
  d.serial = std::move(serial);
  for (const os::UsbInterface& i : descriptors.interfaces) {
    d.interfaces.push_back(os::InterfaceText(i));
  }
  d.port = std::move(port);
  return d;
}

bool IsPresentAtInstallation(const PresentDevices& present,
                             const PresentDevice& device) {
  return std::find(present.devices.begin(), present.devices.end(), device) !=
         present.devices.end();
}

Result<std::vector<PresentDevice>> ReadPluggedDevices(const os::Sysfs& sysfs) {
  PIIGUARD_ASSIGN_OR_RETURN(std::vector<std::string> names,
                            sysfs.ListDirectory("bus/usb/devices"));
  std::vector<PresentDevice> devices;
  for (const std::string& name : names) {
    if (!IsUsbDeviceName(name)) continue;  // root hubs, interfaces
    std::string path = "bus/usb/devices/" + name;
    Result<std::string> authorized = sysfs.ReadAttribute(path + "/authorized");
    if (!authorized.ok() || *authorized != "1") continue;
    PIIGUARD_ASSIGN_OR_RETURN(std::string raw,
                              sysfs.ReadBinaryAttribute(path + "/descriptors"));
    Result<os::UsbDescriptors> descriptors = os::ParseUsbDescriptors(raw);
    if (!descriptors.ok()) return descriptors.status().Annotate(name);
    Result<std::string> serial = sysfs.ReadAttribute(path + "/serial");
    devices.push_back(
        DescribeDevice(*descriptors, serial.ok() ? *serial : "", name));
  }
  return devices;
}

}  // namespace piiguard::agent::usb
