// The catalogue of journal event types (docs/journal.md "Event types"): the
// one list of the type strings the agent writes, each with its label for
// people (Japanese and English through common/messages). The agent's
// producers write these constants, never a literal; the office's pages
// label events and pick near misses through this file, so a type the agent
// writes always has a label on the pages (tests: event_types_test.cc, and
// office_seed, which drives the real producers).
//
// Near misses: the agent writes `near_miss.reported` (kNearMiss); agents
// before version 0.2 wrote `near_miss` (kNearMissLegacy), which the office
// still shows as a near miss.
//
// Thread-safety: constants and pure functions.
#ifndef PIIGUARD_COMMON_JOURNAL_EVENT_TYPES_H_
#define PIIGUARD_COMMON_JOURNAL_EVENT_TYPES_H_

#include <optional>
#include <span>
#include <string_view>

#include "common/messages.h"

namespace piiguard::journal::types {

// The journal itself.
inline constexpr char kJournalCreated[] = "journal.created";
// The agent's life (agent/daemon).
inline constexpr char kAgentStarted[] = "agent.started";
inline constexpr char kAgentStopped[] = "agent.stopped";
inline constexpr char kAgentRecovered[] = "agent.recovered";
inline constexpr char kAgentNotConfigured[] = "agent.not_configured";
inline constexpr char kAgentConfigError[] = "agent.config_error";
inline constexpr char kAgentReleased[] = "agent.released";
// Staff reports.
inline constexpr char kNearMiss[] = "near_miss.reported";
inline constexpr char kNearMissLegacy[] = "near_miss";
// Policy, sync, status reports and enrolment (agent/daemon: applied_policy,
// enrolment, sync_monitor).
inline constexpr char kPolicyApplied[] = "policy.applied";
inline constexpr char kPolicyRefused[] = "policy.refused";
inline constexpr char kSyncRefused[] = "sync.refused";
inline constexpr char kSyncUnavailable[] = "sync.unavailable";
inline constexpr char kStatusReportSent[] = "status_report.sent";
inline constexpr char kEnrolmentDone[] = "enrolment.done";
// The local socket's limits (agent/ipc/limits.h, docs/ipc.md).
inline constexpr char kIpcSuppressed[] = "ipc.suppressed";
// USB (agent/usb, docs/usb.md).
inline constexpr char kUsbHubError[] = "usb.hub.error";
inline constexpr char kUsbHubClosed[] = "usb.hub.closed";
inline constexpr char kUsbError[] = "usb.error";
inline constexpr char kUsbUeventOverflow[] = "usb.uevent.overflow";
inline constexpr char kUsbDeviceRefused[] = "usb.device.refused";
inline constexpr char kUsbDeviceAuthorized[] = "usb.device.authorized";
inline constexpr char kUsbDeviceError[] = "usb.device.error";
inline constexpr char kUsbBlockReadOnly[] = "usb.block.readonly";
inline constexpr char kUsbBlockError[] = "usb.block.error";
inline constexpr char kUsbStickReadOnly[] = "usb.stick.readonly";
inline constexpr char kUsbStickKeyed[] = "usb.stick.keyed";
inline constexpr char kUsbStickWritable[] = "usb.stick.writable";
inline constexpr char kUsbStickRemoved[] = "usb.stick.removed";
inline constexpr char kUsbStickClosing[] = "usb.stick.closing";
inline constexpr char kUsbStickCutOff[] = "usb.stick.cut_off";
inline constexpr char kUsbStickMediaChanged[] = "usb.stick.media_changed";
// A foreign stick keyed by an exception grant (issue 17, docs/usb.md).
inline constexpr char kUsbStickException[] = "usb.stick.exception";
inline constexpr char kUsbWriteAttempt[] = "usb.write_attempt";
// Which layer stops writes to foreign sticks (docs/usb.md "The write gate").
inline constexpr char kUsbWriteLayer[] = "usb.write_layer";
inline constexpr char kUsbBootParamMissing[] = "usb.boot_param_missing";
// Sessions, radios and links (agent/session, docs/session.md).
inline constexpr char kSessionStarted[] = "session.started";
inline constexpr char kSessionResumed[] = "session.resumed";
inline constexpr char kSessionEnded[] = "session.ended";
inline constexpr char kSessionEndRefused[] = "session.end_refused";
inline constexpr char kSessionEndFailed[] = "session.end_failed";
inline constexpr char kSessionFailClosed[] = "session.fail_closed";
inline constexpr char kSessionFileCorrupt[] = "session.file_corrupt";
inline constexpr char kSessionStickGate[] = "session.stick_gate";
// A session start refused during a maintenance window (agent/maint).
inline constexpr char kSessionStartRefused[] = "session.start_refused";
inline constexpr char kRadioUnblockAttempt[] = "radio.unblock_attempt";
inline constexpr char kRadioReblocked[] = "radio.reblocked";
inline constexpr char kRadioReblockFailed[] = "radio.reblock_failed";
inline constexpr char kRadioBlockFailed[] = "radio.block_failed";
inline constexpr char kRadioReadFailed[] = "radio.read_failed";
inline constexpr char kRadioConfirmed[] = "radio.confirmed";
// A radio exception (issue 17) lets the session's radios be on; and its end.
inline constexpr char kRadioAllowed[] = "radio.allowed";
inline constexpr char kRadioAllowanceEnded[] = "radio.allowance_ended";
inline constexpr char kLinkDown[] = "link.down";
inline constexpr char kLinkDownFailed[] = "link.down_failed";
inline constexpr char kLinkUpAttempt[] = "link.up_attempt";
inline constexpr char kLinkFirewallApplied[] = "link.firewall_applied";
inline constexpr char kLinkFirewallFailed[] = "link.firewall_failed";
inline constexpr char kLinkReadFailed[] = "link.read_failed";
// The roster guard and `piiguard scan` (agent/rosterguard, agent/scan).
inline constexpr char kRosterWatching[] = "roster.watching";
inline constexpr char kRosterError[] = "roster.error";
inline constexpr char kRosterOverflow[] = "roster.overflow";
inline constexpr char kRosterFound[] = "roster.found";
inline constexpr char kRosterMoved[] = "roster.moved";
inline constexpr char kRosterKept[] = "roster.kept";
// A file left for later in a folder paused by an exception, and the pause's
// end (agent/rosterguard/folder_pause.h).
inline constexpr char kRosterPaused[] = "roster.paused";
inline constexpr char kRosterPauseEnded[] = "roster.pause_ended";
inline constexpr char kScanCompleted[] = "scan.completed";
// Offline exception codes (agent/exception, docs/exceptions.md).
inline constexpr char kExceptionRequested[] = "exception.requested";
inline constexpr char kExceptionGranted[] = "exception.granted";
inline constexpr char kExceptionRefused[] = "exception.refused";
inline constexpr char kExceptionEnded[] = "exception.ended";
inline constexpr char kExceptionError[] = "exception.error";
// The maintenance window (agent/maint, docs/exceptions.md "The maintenance
// window"): opened, closed (with what ran), not opened, and processes of its
// account that could not be ended.
inline constexpr char kMaintenanceOpened[] = "maintenance.opened";
inline constexpr char kMaintenanceClosed[] = "maintenance.closed";
inline constexpr char kMaintenanceNotOpened[] = "maintenance.not_opened";
inline constexpr char kMaintenanceError[] = "maintenance.error";

}  // namespace piiguard::journal::types

namespace piiguard::journal {

struct EventTypeInfo {
  std::string_view type;
  MsgId label;
};

// Every type above (kNearMissLegacy included), sorted by type.
std::span<const EventTypeInfo> EventTypeCatalogue();
// The label of `type`; nullopt for a type not in the catalogue.
std::optional<MsgId> EventTypeLabel(std::string_view type);
// The types that are near misses: kNearMiss, and kNearMissLegacy.
std::span<const std::string_view> NearMissTypes();
bool IsNearMiss(std::string_view type);

}  // namespace piiguard::journal

#endif  // PIIGUARD_COMMON_JOURNAL_EVENT_TYPES_H_
