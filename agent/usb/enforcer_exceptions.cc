// UsbEnforcer: exception grants for foreign sticks (issue 17,
// agent/interlock/stick_exceptions.h, docs/usb.md "Exception sticks"). A
// stick whose key is refused (none, foreign, expired, ...) but for whose
// identity the exception service runs a grant is treated as a keyed stick
// for the grant's time: journaled (usb.stick.exception), through the
// WriteGate, and made read-only (its mounts closed) when the grant ends. A
// revocation is never lifted.

#include <algorithm>

#include "agent/usb/enforcer.h"
#include "common/journal/event_types.h"
#include "common/json.h"

namespace piiguard::agent::usb {
namespace {

constexpr char kExceptionPrefix[] = "exception:";
constexpr char kExceptionJob[] = "exception";

}  // namespace

std::optional<StickGrant> UsbEnforcer::ExceptionFor(
    const Stick& stick, const policy::StickVerdict& verdict) const {
  // The city's explicit decision is not lifted by an exception.
  if (config_.exceptions == nullptr || verdict.accepted() ||
      verdict.refusal == policy::StickRefusal::kRevoked ||
      stick.identity.empty()) {
    return std::nullopt;
  }
  std::optional<StickGrant> grant =
      config_.exceptions->GrantFor(stick.identity);
  // A grant past its end is never honoured, whatever the service says.
  if (!grant || grant->end_mono_us <= config_.clock->MonotonicUs()) {
    return std::nullopt;
  }
  return grant;
}

void UsbEnforcer::DecideRefused(Stick& stick,
                                const policy::StickVerdict& verdict,
                                Json details) {
  stick.refusal = verdict.refusal;
  std::optional<StickGrant> grant = ExceptionFor(stick, verdict);
  // Without a serial the identity is that of every stick of the model and
  // size: a grant for it (a signed file names only the identity) is not
  // honoured, as a request for such a stick is refused.
  const bool no_serial = grant && stick.observed.serial.empty();
  if (no_serial) {
    details["exception"] = grant->grant;
    details["exception_refused"] = "stick has no serial";
    grant.reset();
  }
  if (grant) {
    DecideException(stick, *grant, std::move(details));
    return;
  }
  std::optional<StickGrant> ended = stick.grant;
  if (ended) {
    details["grant"] = ended->grant;
    if (verdict.refusal != policy::StickRefusal::kRevoked) {
      details["reason"] = "exception ended";
      details["verdict"] = stick.reason;
    }
  }
  // The key (and the gate's stick) goes once no writable mount remains.
  (void)CloseWrites(stick, details, StickState::kReadOnly);
  if (ended) {
    Notify(MsgId::kExceptionStickEnded, {stick.disk, ended->grant},
           {stick.disk, ended->grant});
  } else {
    Notify(MsgId::kUsbStickReadOnly, {stick.disk, stick.why_ja},
           {stick.disk, stick.why_en});
  }
  if (no_serial) {
    Notify(MsgId::kExceptionStickNoSerial, {stick.disk}, {stick.disk});
  }
  const policy::Policy* policy = config_.policy();
  if (policy && policy->usb.unkeyed_storage == policy::UnkeyedStorage::kBlock &&
      stick.state != StickState::kCutOff) {
    Deauthorize(stick, "unkeyed storage blocked by policy");
  }
}

void UsbEnforcer::DecideException(Stick& stick, const StickGrant& grant,
                                  Json details) {
  KeyedStick keyed{stick.disk, kExceptionPrefix + grant.grant, kExceptionJob,
                   grant.responsible};
  details["grant"] = grant.grant;
  details["responsible"] = grant.responsible;
  details["identity"] = stick.identity;
  stick.expires_at = 0;
  // Checked again at the grant's end, and at least every recheck_us.
  stick.recheck_us = std::min(config_.clock->MonotonicUs() + config_.recheck_us,
                              grant.end_mono_us);
  Admit(stick, keyed, grant, journal::types::kUsbStickException,
        std::move(details));
}

int64_t UsbEnforcer::MinutesLeft(const StickGrant& grant) const {
  int64_t left_us = grant.end_mono_us - config_.clock->MonotonicUs();
  if (left_us <= 0) return 0;
  return (left_us + 60'000'000 - 1) / 60'000'000;
}

void UsbEnforcer::NotifyWritable(const Stick& stick) const {
  if (!stick.grant) {
    Notify(MsgId::kUsbStickWritable,
           {stick.disk, stick.keyed->job, stick.keyed->holder},
           {stick.disk, stick.keyed->job, stick.keyed->holder});
    return;
  }
  const std::string minutes = std::to_string(MinutesLeft(*stick.grant));
  Notify(MsgId::kExceptionStickWritable,
         {stick.disk, stick.grant->grant, stick.grant->responsible, minutes},
         {stick.disk, stick.grant->grant, stick.grant->responsible, minutes});
}

bool UsbEnforcer::GrantHolds(const Stick& stick) const {
  if (!stick.grant) return true;
  if (config_.exceptions == nullptr) return false;
  std::optional<StickGrant> now = config_.exceptions->GrantFor(stick.identity);
  return now && now->grant == stick.grant->grant &&
         now->end_mono_us > config_.clock->MonotonicUs();
}

bool UsbEnforcer::IsForeign(const Stick& stick) {
  return stick.verified && stick.state == StickState::kReadOnly &&
         stick.refusal.has_value() &&
         *stick.refusal != policy::StickRefusal::kRevoked &&
         !stick.identity.empty();
}

void UsbEnforcer::ExceptionStatus(const Stick& stick, Json& entry) const {
  if (IsForeign(stick)) {
    entry["foreign"] = true;
    entry["identity"] = stick.identity;
  }
  if (stick.grant) {
    entry["identity"] = stick.identity;
    entry["exception"] = stick.grant->grant;
    entry["responsible"] = stick.grant->responsible;
    entry["minutes_left"] = MinutesLeft(*stick.grant);
  }
}

std::vector<ForeignStick> UsbEnforcer::Foreign() const {
  std::vector<ForeignStick> out;
  for (const auto& [name, stick] : sticks_) {  // by disk name
    if (!IsForeign(stick)) continue;
    out.push_back(ForeignStick{
        name, stick.identity, stick.observed.vid + ":" + stick.observed.pid,
        stick.observed.serial, stick.observed.capacity_bytes, stick.reason});
  }
  return out;
}

void UsbEnforcer::GrantsChanged() {
  Rescheduled([&] {
    for (auto& [name, stick] : sticks_) {
      if (stick.verified && stick.state != StickState::kCutOff &&
          stick.state != StickState::kClosing) {
        Verify(stick);
      }
    }
  });
}

}  // namespace piiguard::agent::usb
