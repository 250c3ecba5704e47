// The one message catalogue: every text that staff or the IT desk read, in
// Japanese and English. Code names a message by MsgId; Message() picks the
// language and fills the {0}, {1}... placeholders. A unit test checks that
// every message exists in both languages with the same placeholders.
//
// Thread-safety: thread-safe (immutable table).
#ifndef PIIGUARD_COMMON_MESSAGES_H_
#define PIIGUARD_COMMON_MESSAGES_H_

#include <initializer_list>
#include <string>
#include <string_view>

namespace piiguard {

enum class Lang { kJa, kEn };

// Japanese when LC_ALL, else LC_MESSAGES, else LANG starts with "ja";
// English otherwise. `getenv` is injected so tests need no environment.
Lang LangFromEnvironment(const char* (*getenv_fn)(const char*));
Lang LangFromEnvironment();

enum class MsgId {
  kError,
  kUnverifiedWarning,
  // Stick verdicts.
  kStickAccepted,
  kStickNoKeyFile,
  kStickMalformed,
  kStickBadSignature,
  kStickUnknownSigner,
  kStickWrongCity,
  kStickNotYetValid,
  kStickExpired,
  kStickRevoked,
  kStickIdentityMismatch,
  kStickPcNotAllowed,
  kStickJobUnknown,
  // Policy verdicts.
  kPolicyAccepted,
  kPolicyMalformed,
  kPolicyBadSignature,
  kPolicyUnknownSigner,
  kPolicyNotYetValid,
  kPolicyExpired,
  kPolicyRollback,
  kPolicySameVersionDiffers,
  // IT desk tool.
  kKeyCreated,
  kPolicySigned,
  kStickKeyed,
  kStickRevocationAdded,
  kVerdictAccepted,
  kVerdictRefused,
  kShowHeading,
  kShowRegister,
  kShowConsignees,
  kShowRevoked,
  kShowKeys,
  // Review pages.
  kPagesTitle,
  kPagesNavOverview,
  kPagesNavViolations,
  kPagesNavNearMisses,
  kPagesNavPcs,
  kPagesNavCounts,
  kPagesNavReports,
  kPagesLoggedInAs,
  kPagesLogout,
  kPagesOtherLang,
  kPagesLoginHeading,
  kPagesLoginIntro,
  kPagesUserName,
  kPagesPassword,
  kPagesLoginFailed,
  kPagesLoginLocked,
  kPagesLoginAgain,
  kPagesFormExpired,
  kPagesError,
  kPagesNotFound,
  kPagesIncidentsHeading,
  kPagesIncidentsIntro,
  kPagesIncidentsNone,
  kPagesFailedPcsHeading,
  kPagesRecentHeading,
  kPagesRecentViolations,
  kPagesRecentNearMisses,
  kPagesPendingReports,
  kPagesColTime,
  kPagesColPc,
  kPagesColConsignee,
  kPagesColSeverity,
  kPagesColType,
  kPagesColSubject,
  kPagesColDetails,
  kPagesColReason,
  kPagesColLastContact,
  kPagesColPolicyVersion,
  kPagesColAcked,
  kPagesColState,
  kPagesColJob,
  kPagesColJobName,
  kPagesColSection,
  kPagesColTotal,
  kPagesColReporter,
  kPagesColRequestedBy,
  kPagesColRequestedAt,
  kPagesColReceivedAt,
  kPagesColReport,
  kPagesColSeq,
  kPagesColResponsible,
  kPagesColContact,
  kPagesColAction,
  kPagesSevInfo,
  kPagesSevNotice,
  kPagesSevWarning,
  kPagesSevViolation,
  kPagesSevIncident,
  kPagesFilterHeading,
  kPagesFilterFrom,
  kPagesFilterTo,
  kPagesFilterMinSeverity,
  kPagesFilterType,
  kPagesFilterApply,
  kPagesFilterClear,
  kPagesFilterAll,
  kPagesCsv,
  kPagesShowing,
  kPagesNoRecords,
  kPagesPrev,
  kPagesNext,
  kPagesBadFilter,
  kPagesViolationsIntro,
  kPagesNearMissesIntro,
  kPagesMore,
  kPagesPcsIntro,
  kPagesStateOk,
  kPagesStateFailed,
  kPagesNever,
  kPagesUnknown,
  kPagesCity,
  kPagesAskReport,
  kPagesConsigneesHeading,
  kPagesCountsIntro,
  kPagesFiscalYear,
  kPagesFiscalYearLabel,
  kPagesShow,
  kPagesNotInRegister,
  kPagesNoRegister,
  kPagesRegisterVersion,
  kPagesEventHeading,
  kPagesReportsIntro,
  kPagesReportPending,
  kPagesReportRequested,
  kPagesReportSummary,
  kPagesTypeNearMiss,
  kPagesTypeJournalCreated,
  kPagesTypeAgentStarted,
  kPagesTypeAgentStopped,
  kPagesTypeAgentRecovered,
  kPagesTypePolicyApplied,
  kPagesTypePolicyRefused,
  kPagesTypeSyncRefused,
  kPagesTypeStatusReportSent,
  kPagesTypeEnrolmentDone,
  kPagesTypeStickRefused,
  kPagesIncidentHistoryRewritten,
  kPagesIncidentChainReplaced,
  kPagesTechnicalDetail,
  // End of review pages.
  // Journal.
  kJournalVerifyOk,
  kJournalVerifyFailed,
  kJournalKeyFromFile,
  kJournalNoEntries,
  kJournalShowColumns,
  kJournalSeverityInfo,
  kJournalSeverityNotice,
  kJournalSeverityWarning,
  kJournalSeverityViolation,
  kJournalSeverityIncident,
  // End of journal.
  // Office.
  kOfficeInitDone,
  kOfficePolicyPublished,
  kOfficePolicyRefused,
  kOfficeUserAdded,
  kOfficeIncidentsCleared,
  kOfficeStatusRequested,
  // End of office.
  // Office quarantine (office/quarantine_commands.cc, issue 7).
  kOfficeQuarantineKeyCreated,
  kOfficeQuarantineKeyShown,
  kOfficeQuarantineMetadata,
  kOfficeQuarantineOpened,
  kOfficeQuarantineRefused,
  // End of office quarantine.
  // Agent.
  kEnrolTokenCreated,
  kEnrolDone,
  kNearMissRecorded,
  kAgentNotRunning,
  kStatusEnrolled,
  kStatusNotEnrolled,
  kStatusJournal,
  kStatusLastSync,
  kStatusNever,
  kStatusPolicy,
  // End of agent.
  // USB and keyed sticks (agent/usb, issue 5).
  kUsbUnreadable,
  kUsbNoPolicy,
  kUsbJournalUnavailable,
  kUsbNotMadeWritable,
  kUsbStickWritable,
  kUsbStickReadOnly,
  kUsbStickWaiting,
  kUsbNoSticks,
  kUsbHeading,
  kUsbDeviceRefused,
  kUsbWriteBlocked,
  // End of USB.
  // Sessions, radios and links (agent/session, issue 6).
  kSessionStarted,
  kSessionStartedNotConfirmed,
  kSessionAlready,
  kSessionEnded,
  kSessionNone,
  kSessionEndNotStarter,
  kSessionEndStickPresent,
  kSessionEndStandalone,
  kSessionEndRootOnly,
  kSessionOriginCommand,
  kSessionOriginStick,
  kSessionOriginStandalone,
  kSessionOriginRecovered,
  kStatusSessionOn,
  kStatusSessionOff,
  kStatusRadiosConfirmed,
  kStatusRadiosNotConfirmed,
  kStatusRadio,
  kStatusRadioBlocked,
  kStatusRadioOn,
  kStatusLink,
  kStatusLinkUp,
  kStatusLinkDown,
  kStatusStandalone,
  // End of sessions.
  // Roster guard (agent/roster, issue 7).
  kRosterIsRoster,
  kRosterIsRosterAtLeast,
  kRosterNotRoster,
  kRosterNotExamined,
  kRosterPartial,
  kRosterColumnAt,
  kRosterKindName,
  kRosterKindKana,
  kRosterKindAddress,
  kRosterKindPhone,
  kRosterKindPostalCode,
  kRosterKindBirthDate,
  kRosterKindAge,
  kRosterKindGender,
  kRosterKindEmail,
  kRosterKindMyNumber,
  kRosterGuardTitle,
  kRosterGuardMovedToStick,
  kRosterGuardQuarantined,
  kRosterGuardKept,
  kRosterGuardReported,
  // End of roster guard.
  // `piiguard scan` (issue 7 item 3, docs/scan-report.md).
  kScanProgress,
  kScanSummary,
  kScanRosterFound,
  kScanNotExamined,
  kScanPartial,
  kScanMountSkipped,
  kScanMore,
  kScanClean,
  kScanRostersFound,
  kScanUnexaminedFound,
  kScanNotRoot,
  kScanSigned,
  kScanUnsigned,
  kScanVerified,
  kScanVerifiedClean,
  kScanVerifiedNotClean,
  kScanVerifyFailed,
  // End of piiguard scan.
  kCount,  // must stay last
};

struct MessageText {
  MsgId id;
  std::string_view ja;
  std::string_view en;
};

// The catalogue, indexed by MsgId.
const MessageText& MessageEntry(MsgId id);

std::string Message(Lang lang, MsgId id,
                    std::initializer_list<std::string_view> args = {});

}  // namespace piiguard

#endif  // PIIGUARD_COMMON_MESSAGES_H_
