#include "common/journal/event_types.h"

#include <algorithm>
#include <array>

namespace piiguard::journal {
namespace {

constexpr auto kCatalogue = std::to_array<EventTypeInfo>({
    {types::kAgentConfigError, MsgId::kPagesTypeAgentConfigError},
    {types::kAgentNotConfigured, MsgId::kPagesTypeAgentNotConfigured},
    {types::kAgentRecovered, MsgId::kPagesTypeAgentRecovered},
    {types::kAgentReleased, MsgId::kPagesTypeAgentReleased},
    {types::kAgentStarted, MsgId::kPagesTypeAgentStarted},
    {types::kAgentStopped, MsgId::kPagesTypeAgentStopped},
    {types::kEnrolmentDone, MsgId::kPagesTypeEnrolmentDone},
    {types::kExceptionEnded, MsgId::kPagesTypeExceptionEnded},
    {types::kExceptionError, MsgId::kPagesTypeExceptionError},
    {types::kExceptionGranted, MsgId::kPagesTypeExceptionGranted},
    {types::kExceptionRefused, MsgId::kPagesTypeExceptionRefused},
    {types::kExceptionRequested, MsgId::kPagesTypeExceptionRequested},
    {types::kIpcSuppressed, MsgId::kPagesTypeIpcSuppressed},
    {types::kJournalCreated, MsgId::kPagesTypeJournalCreated},
    {types::kLinkDown, MsgId::kPagesTypeLinkDown},
    {types::kLinkDownFailed, MsgId::kPagesTypeLinkDownFailed},
    {types::kLinkFirewallApplied, MsgId::kPagesTypeLinkFirewallApplied},
    {types::kLinkFirewallFailed, MsgId::kPagesTypeLinkFirewallFailed},
    {types::kLinkReadFailed, MsgId::kPagesTypeLinkReadFailed},
    {types::kLinkUpAttempt, MsgId::kPagesTypeLinkUpAttempt},
    {types::kMaintenanceClosed, MsgId::kPagesTypeMaintenanceClosed},
    {types::kMaintenanceError, MsgId::kPagesTypeMaintenanceError},
    {types::kMaintenanceNotOpened, MsgId::kPagesTypeMaintenanceNotOpened},
    {types::kMaintenanceOpened, MsgId::kPagesTypeMaintenanceOpened},
    {types::kNearMissLegacy, MsgId::kPagesTypeNearMiss},
    {types::kNearMiss, MsgId::kPagesTypeNearMiss},
    {types::kPolicyApplied, MsgId::kPagesTypePolicyApplied},
    {types::kPolicyRefused, MsgId::kPagesTypePolicyRefused},
    {types::kRadioAllowanceEnded, MsgId::kPagesTypeRadioAllowanceEnded},
    {types::kRadioAllowed, MsgId::kPagesTypeRadioAllowed},
    {types::kRadioBlockFailed, MsgId::kPagesTypeRadioBlockFailed},
    {types::kRadioConfirmed, MsgId::kPagesTypeRadioConfirmed},
    {types::kRadioReadFailed, MsgId::kPagesTypeRadioReadFailed},
    {types::kRadioReblockFailed, MsgId::kPagesTypeRadioReblockFailed},
    {types::kRadioReblocked, MsgId::kPagesTypeRadioReblocked},
    {types::kRadioUnblockAttempt, MsgId::kPagesTypeRadioUnblockAttempt},
    {types::kRosterError, MsgId::kPagesTypeRosterError},
    {types::kRosterFound, MsgId::kPagesTypeRosterFound},
    {types::kRosterKept, MsgId::kPagesTypeRosterKept},
    {types::kRosterMoved, MsgId::kPagesTypeRosterMoved},
    {types::kRosterOverflow, MsgId::kPagesTypeRosterOverflow},
    {types::kRosterPauseEnded, MsgId::kPagesTypeRosterPauseEnded},
    {types::kRosterPaused, MsgId::kPagesTypeRosterPaused},
    {types::kRosterWatching, MsgId::kPagesTypeRosterWatching},
    {types::kScanCompleted, MsgId::kPagesTypeScanCompleted},
    {types::kSessionEndFailed, MsgId::kPagesTypeSessionEndFailed},
    {types::kSessionEndRefused, MsgId::kPagesTypeSessionEndRefused},
    {types::kSessionEnded, MsgId::kPagesTypeSessionEnded},
    {types::kSessionFailClosed, MsgId::kPagesTypeSessionFailClosed},
    {types::kSessionFileCorrupt, MsgId::kPagesTypeSessionFileCorrupt},
    {types::kSessionResumed, MsgId::kPagesTypeSessionResumed},
    {types::kSessionStartRefused, MsgId::kPagesTypeSessionStartRefused},
    {types::kSessionStarted, MsgId::kPagesTypeSessionStarted},
    {types::kSessionStickGate, MsgId::kPagesTypeSessionStickGate},
    {types::kStatusReportSent, MsgId::kPagesTypeStatusReportSent},
    {types::kSyncRefused, MsgId::kPagesTypeSyncRefused},
    {types::kSyncUnavailable, MsgId::kPagesTypeSyncUnavailable},
    {types::kUsbBlockError, MsgId::kPagesTypeUsbBlockError},
    {types::kUsbBlockReadOnly, MsgId::kPagesTypeUsbBlockReadOnly},
    {types::kUsbBootParamMissing, MsgId::kPagesTypeUsbBootParamMissing},
    {types::kUsbDeviceAuthorized, MsgId::kPagesTypeUsbDeviceAuthorized},
    {types::kUsbDeviceError, MsgId::kPagesTypeUsbDeviceError},
    {types::kUsbDeviceRefused, MsgId::kPagesTypeUsbDeviceRefused},
    {types::kUsbError, MsgId::kPagesTypeUsbError},
    {types::kUsbHubClosed, MsgId::kPagesTypeUsbHubClosed},
    {types::kUsbHubError, MsgId::kPagesTypeUsbHubError},
    {types::kUsbStickClosing, MsgId::kPagesTypeUsbStickClosing},
    {types::kUsbStickCutOff, MsgId::kPagesTypeUsbStickCutOff},
    {types::kUsbStickException, MsgId::kPagesTypeUsbStickException},
    {types::kUsbStickKeyed, MsgId::kPagesTypeUsbStickKeyed},
    {types::kUsbStickMediaChanged, MsgId::kPagesTypeUsbStickMediaChanged},
    {types::kUsbStickReadOnly, MsgId::kPagesTypeUsbStickReadOnly},
    {types::kUsbStickRemoved, MsgId::kPagesTypeUsbStickRemoved},
    {types::kUsbStickWritable, MsgId::kPagesTypeUsbStickWritable},
    {types::kUsbUeventOverflow, MsgId::kPagesTypeUsbUeventOverflow},
    {types::kUsbWriteAttempt, MsgId::kPagesTypeUsbWriteAttempt},
    {types::kUsbWriteLayer, MsgId::kPagesTypeUsbWriteLayer},
});

constexpr auto kNearMissTypes =
    std::to_array<std::string_view>({types::kNearMiss, types::kNearMissLegacy});

}  // namespace

std::span<const EventTypeInfo> EventTypeCatalogue() { return kCatalogue; }

std::optional<MsgId> EventTypeLabel(std::string_view type) {
  const auto* it =
      std::lower_bound(kCatalogue.begin(), kCatalogue.end(), type,
                       [](const EventTypeInfo& info, std::string_view t) {
                         return info.type < t;
                       });
  if (it == kCatalogue.end() || it->type != type) return std::nullopt;
  return it->label;
}

std::span<const std::string_view> NearMissTypes() { return kNearMissTypes; }

bool IsNearMiss(std::string_view type) {
  return std::find(kNearMissTypes.begin(), kNearMissTypes.end(), type) !=
         kNearMissTypes.end();
}

}  // namespace piiguard::journal
