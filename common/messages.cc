#include "common/messages.h"

#include <array>
#include <cstdlib>
#include <vector>

namespace piiguard {
namespace {

constexpr std::array<MessageText, static_cast<size_t>(MsgId::kCount)> kTable{{
    {MsgId::kError, "エラー: {0}", "error: {0}"},
    {MsgId::kUnverifiedWarning,
     "注意: 署名を確認していません（--pub で市の公開鍵を指定してください）。",
     "warning: the signature was not checked (give the city's public key "
     "with --pub)."},
    {MsgId::kStickAccepted,
     "有効な鍵付きUSBメモリです（{0}、業務: {1}、使用者: {2}、有効期限: {3}）。"
     "書き込みできます。",
     "valid keyed stick ({0}, job: {1}, holder: {2}, expires: {3}); it may be "
     "written."},
    {MsgId::kStickNoKeyFile,
     "このUSBメモリには市の鍵ファイルがありません。読み取り専用です。"
     "データを保存するときは、市から配布された鍵付きUSBメモリを使ってください"
     "。",
     "no city key file on this stick: it is read-only. Save data on a keyed "
     "stick issued by the city."},
    {MsgId::kStickMalformed,
     "鍵ファイルが壊れているか、形式が正しくありません（{0}"
     "）。読み取り専用です。"
     "情報システム課に連絡してください。",
     "the key file is damaged or malformed ({0}): the stick is read-only. "
     "Contact the IT desk."},
    {MsgId::kStickBadSignature,
     "鍵ファイルの署名が正しくありません。書き換えられたか、市の鍵で作られてい"
     "ません。"
     "読み取り専用です。情報システム課に連絡してください。",
     "the key file's signature is not valid (altered, or not made with the "
     "city's key): the stick is read-only. Contact the IT desk."},
    {MsgId::kStickUnknownSigner,
     "鍵ファイルは市が認めていない鍵で署名されています。読み取り専用です。"
     "情報システム課に連絡してください。",
     "the key file was signed by a key the city does not trust: the stick is "
     "read-only. Contact the IT desk."},
    {MsgId::kStickWrongCity,
     "このUSBメモリは別の自治体（{0}）のものです。読み取り専用です。",
     "this stick belongs to another municipality ({0}): it is read-only."},
    {MsgId::kStickNotYetValid,
     "鍵の有効期間がまだ始まっていません（{0}から）。読み取り専用です。",
     "the key is not valid yet (from {0}): the stick is read-only."},
    {MsgId::kStickExpired,
     "鍵の有効期限（{0}）が切れています。読み取り専用です。"
     "情報システム課で更新を受けてください。",
     "the key expired on {0}: the stick is read-only. Ask the IT desk to "
     "renew it."},
    {MsgId::kStickRevoked,
     "このUSBメモリは失効しています（理由: {0}）。使用をやめて、"
     "情報システム課に返却してください。",
     "this stick has been revoked (reason: {0}). Stop using it and return it "
     "to the IT desk."},
    {MsgId::kStickIdentityMismatch,
     "USBメモリの識別情報が鍵ファイルと一致しません（{0}）。"
     "鍵ファイルが別のUSBメモリから複製された可能性があります。読み取り専用です"
     "。",
     "identity mismatch ({0}): the key file may have been copied from another "
     "stick. The stick is read-only."},
    {MsgId::kStickPcNotAllowed,
     "このUSBメモリはこのパソコン（{0}"
     "）では使えません。指定されたパソコンで使ってください。",
     "this stick may not be used on this PC ({0}); use it on the PCs it was "
     "issued for."},
    {MsgId::kStickJobUnknown,
     "鍵ファイルの業務（{0}"
     "）が個人情報取扱事務の登録簿にありません。読み取り専用です。"
     "情報システム課に連絡してください。",
     "the key file's job ({0}) is not in the register of personal-data work: "
     "the stick is read-only. Contact the IT desk."},
    {MsgId::kStickNoSerial,
     "このUSBメモリはシリアル番号を持たないため、まるごと複製したUSBメモリと"
     "区別できません。鍵付きUSBメモリとしては使えず、読み取り専用です。"
     "情報システム課に連絡してください。",
     "this stick reports no serial number, so a byte-for-byte copy of it "
     "cannot be told apart: it cannot be a keyed stick and is read-only. "
     "Contact the IT desk."},
    {MsgId::kPolicyAccepted,
     "ポリシーは有効です（{0}、版 {1}、有効期間 {2} 〜 {3}）。",
     "the policy is valid ({0}, version {1}, valid {2} to {3})."},
    {MsgId::kPolicyMalformed, "ポリシーの形式が正しくありません: {0}",
     "the policy is malformed: {0}"},
    {MsgId::kPolicyBadSignature,
     "ポリシーの署名が正しくありません（書き換えられたか、別の鍵で署名されてい"
     "ます）。",
     "the policy's signature is not valid (altered, or signed with another "
     "key)."},
    {MsgId::kPolicyUnknownSigner,
     "ポリシーは市が認めていない鍵で署名されています（鍵 {0}）。",
     "the policy was signed by a key that is not trusted (key {0})."},
    {MsgId::kPolicyNotYetValid,
     "ポリシーの有効期間がまだ始まっていません（{0}から）。",
     "the policy is not valid yet (from {0})."},
    {MsgId::kPolicyExpired, "ポリシーの有効期限（{0}）が切れています。",
     "the policy expired on {0}."},
    {MsgId::kPolicyRollback,
     "古いポリシーです（版 {0}）。このパソコンには版 {1} が適用済みです。",
     "the policy is older (version {0}) than the one already applied "
     "(version {1})."},
    {MsgId::kPolicySameVersionDiffers,
     "適用済みのポリシーと同じ版 {0} ですが、内容が異なります。"
     "版を上げて署名し直してください。",
     "the policy has the applied version {0} but different content; raise "
     "the version and sign it again."},
    {MsgId::kKeyCreated,
     "市の鍵を作成しました: {0}（鍵ID "
     "{1}）。秘密鍵はオフラインで保管してください。",
     "created the city key: {0} (key id {1}). Keep the private key offline."},
    {MsgId::kPolicySigned, "ポリシー（版 {1}）に署名しました: {0}",
     "signed the policy (version {1}): {0}"},
    {MsgId::kStickKeyed,
     "USBメモリに鍵を書き込みました（USBメモリID {0}、{1}）。",
     "keyed the stick (stick id {0}, {1})."},
    {MsgId::kStickRevocationAdded,
     "USBメモリ {0} を失効リストに加えました（ポリシー版 {1}）。"
     "署名して配布してください。",
     "added stick {0} to the revocation list (policy version {1}); sign and "
     "distribute the policy."},
    {MsgId::kVerdictAccepted, "判定: 有効", "verdict: accepted"},
    {MsgId::kVerdictRefused, "判定: 拒否（{0}）", "verdict: refused ({0})"},
    {MsgId::kShowHeading, "ポリシー {0}（{1}）版 {2}、有効期間 {3} 〜 {4}",
     "policy of {0} ({1}), version {2}, valid {3} to {4}"},
    {MsgId::kShowRegister, "個人情報取扱事務の登録簿: {0} 件",
     "register of personal-data work: {0} jobs"},
    {MsgId::kShowConsignees, "受託者: {0} 者", "consignees: {0}"},
    {MsgId::kShowRevoked, "失効したUSBメモリ: {0} 本", "revoked sticks: {0}"},
    {MsgId::kShowKeys, "追加の信頼鍵: {0} 個", "additional trusted keys: {0}"},
    // Review pages.
    {MsgId::kPagesTitle, "個人情報保護 記録の確認",
     "Privacy office: records review"},
    {MsgId::kPagesNavOverview, "概要", "Overview"},
    {MsgId::kPagesNavViolations, "違反・試行", "Violations and attempts"},
    {MsgId::kPagesNavNearMisses, "ヒヤリ・ハット", "Near misses"},
    {MsgId::kPagesNavPcs, "端末・受託者", "PCs and consignees"},
    {MsgId::kPagesNavCounts, "年間件数", "Yearly counts"},
    {MsgId::kPagesNavReports, "状況報告", "Status reports"},
    {MsgId::kPagesLoggedInAs, "{0} さんがログイン中", "Logged in as {0}"},
    {MsgId::kPagesLogout, "ログアウト", "Log out"},
    {MsgId::kPagesOtherLang, "English（英語）", "日本語 (Japanese)"},
    {MsgId::kPagesLoginHeading, "ログイン", "Log in"},
    {MsgId::kPagesLoginIntro,
     "個人情報保護担当の方のための画面です。利用者名とパスワードを入力してくだ"
     "さい。",
     "This is for the privacy office staff. Enter your user name and "
     "password."},
    {MsgId::kPagesUserName, "利用者名", "User name"},
    {MsgId::kPagesPassword, "パスワード", "Password"},
    {MsgId::kPagesLoginFailed, "利用者名またはパスワードが違います。",
     "The user name or the password is wrong."},
    {MsgId::kPagesLoginLocked,
     "このコンピューターからのログインの失敗が続いたため、しばらくログインで"
     "きません。{0}分ほど待ってから、もう一度お試しください。",
     "Too many failed logins from this computer. Wait about {0} minutes, then "
     "try again."},
    {MsgId::kPagesLoginAgain,
     "ログインの有効期限が切れたか、ログアウトしました。もう一度ログインしてく"
     "ださい。",
     "Your login has expired or you logged out. Please log in again."},
    {MsgId::kPagesFormExpired,
     "この画面は古くなっています。ページを開き直してから、もう一度操作してくだ"
     "さい。",
     "This page is out of date. Open the page again, then repeat what you "
     "did."},
    {MsgId::kPagesError,
     "記録を読み出せませんでした（{0}）。情報システム課に連絡してください。",
     "The records could not be read ({0}). Contact the IT desk."},
    {MsgId::kPagesNotFound, "お探しの記録は見つかりません。",
     "The record you are looking for does not exist."},
    {MsgId::kPagesIncidentsHeading, "重大な異常（インシデント）", "Incidents"},
    {MsgId::kPagesIncidentsIntro,
     "端末から届いた記録が、以前に受け取った記録と食い違っています。記録が書き"
     "換えられたり消されたりした可能性があります。情報システム課と一緒に、その"
     "端末を確認してください。",
     "What a PC sent does not match what it sent before: its records may have "
     "been altered or deleted. Check that PC together with the IT desk."},
    {MsgId::kPagesIncidentsNone, "未解決のインシデントはありません。",
     "There are no open incidents."},
    {MsgId::kPagesFailedPcsHeading, "記録の検証に失敗した端末",
     "PCs whose records failed verification"},
    {MsgId::kPagesRecentHeading, "直近30日間の件数", "The last 30 days"},
    {MsgId::kPagesRecentViolations, "違反・試行: {0} 件",
     "Violations and attempts: {0}"},
    {MsgId::kPagesRecentNearMisses, "ヒヤリ・ハット: {0} 件",
     "Near misses: {0}"},
    {MsgId::kPagesPendingReports, "回答待ちの状況報告: {0} 件",
     "Status reports not yet received: {0}"},
    {MsgId::kPagesColTime, "日時（日本時間）", "Time (JST)"},
    {MsgId::kPagesColPc, "端末", "PC"},
    {MsgId::kPagesColConsignee, "受託者", "Consignee"},
    {MsgId::kPagesColSeverity, "重要度", "Severity"},
    {MsgId::kPagesColType, "種類", "Kind"},
    {MsgId::kPagesColSubject, "対象", "About"},
    {MsgId::kPagesColDetails, "内容", "Details"},
    {MsgId::kPagesColReason, "理由", "Reason"},
    {MsgId::kPagesColLastContact, "最終連絡", "Last contact"},
    {MsgId::kPagesColPolicyVersion, "ポリシーの版", "Policy version"},
    {MsgId::kPagesColAcked, "受信済みの記録番号", "Records received up to"},
    {MsgId::kPagesColState, "状態", "State"},
    {MsgId::kPagesColJob, "業務ID", "Job ID"},
    {MsgId::kPagesColJobName, "業務の名称", "Job"},
    {MsgId::kPagesColSection, "担当課", "Section"},
    {MsgId::kPagesColTotal, "合計", "Total"},
    {MsgId::kPagesColReporter, "報告者", "Reported by"},
    {MsgId::kPagesColRequestedBy, "依頼者", "Requested by"},
    {MsgId::kPagesColRequestedAt, "依頼日時（日本時間）", "Requested (JST)"},
    {MsgId::kPagesColReceivedAt, "受信日時（日本時間）", "Received (JST)"},
    {MsgId::kPagesColReport, "報告の内容", "Report"},
    {MsgId::kPagesColSeq, "記録番号", "Record no."},
    {MsgId::kPagesColResponsible, "責任者", "Responsible person"},
    {MsgId::kPagesColContact, "連絡先", "Contact"},
    {MsgId::kPagesColAction, "操作", "Action"},
    {MsgId::kPagesSevInfo, "情報", "info"},
    {MsgId::kPagesSevNotice, "お知らせ", "notice"},
    {MsgId::kPagesSevWarning, "警告", "warning"},
    {MsgId::kPagesSevViolation, "違反", "violation"},
    {MsgId::kPagesSevIncident, "重大", "incident"},
    {MsgId::kPagesFilterHeading, "絞り込み", "Filter"},
    {MsgId::kPagesFilterFrom, "開始日", "From"},
    {MsgId::kPagesFilterTo, "終了日", "To"},
    {MsgId::kPagesFilterMinSeverity, "重要度（これ以上）",
     "Severity (at least)"},
    {MsgId::kPagesFilterType, "種類（前方一致）", "Kind (starts with)"},
    {MsgId::kPagesFilterApply, "絞り込む", "Apply"},
    {MsgId::kPagesFilterClear, "条件を消す", "Clear"},
    {MsgId::kPagesFilterAll, "すべて", "All"},
    {MsgId::kPagesCsv, "CSVファイルで保存（Excelで開けます）",
     "Save as CSV (opens in Excel)"},
    {MsgId::kPagesShowing, "{0} 件中 {1}〜{2} 件目", "{1}–{2} of {0}"},
    {MsgId::kPagesNoRecords, "該当する記録はありません。",
     "No matching records."},
    {MsgId::kPagesPrev, "← 前へ", "← Previous"},
    {MsgId::kPagesNext, "次へ →", "Next →"},
    {MsgId::kPagesBadFilter, "絞り込みの条件が正しくありません（{0}）。",
     "The filter is not valid ({0})."},
    {MsgId::kPagesViolationsIntro,
     "認められていないUSBメモリへの書き込みなど、「警告」以上の記録です。各行の"
     "「詳しく」で詳細を確認できます。",
     "Records of severity \"warning\" and above, such as writes to sticks that "
     "are not allowed. \"More\" opens the full record."},
    {MsgId::kPagesNearMissesIntro,
     "職員や受託者が自分で報告したヒヤリ・ハット（事故になりかけた出来事）です"
     "。",
     "Near misses that staff and consignees reported themselves."},
    {MsgId::kPagesMore, "詳しく", "More"},
    {MsgId::kPagesPcsIntro,
     "市に登録された端末です。赤い行の端末は、送られてきた記録が以前の記録と食"
     "い違っています（改ざんの疑い）。",
     "PCs enrolled with the city. A red row means the records that PC sent do "
     "not match what it sent before (possible tampering)."},
    {MsgId::kPagesStateOk, "正常", "OK"},
    {MsgId::kPagesStateFailed, "記録の検証に失敗: {0}",
     "Records failed verification: {0}"},
    {MsgId::kPagesNever, "まだありません", "never"},
    {MsgId::kPagesUnknown, "不明", "unknown"},
    {MsgId::kPagesCity, "市（直営）", "the city itself"},
    {MsgId::kPagesAskReport, "状況報告を求める", "Ask for a status report"},
    {MsgId::kPagesConsigneesHeading, "受託者の一覧", "Consignees"},
    {MsgId::kPagesCountsIntro,
     "個人情報取扱事務登録簿の業務ごとに、年度（4月1日〜翌年3月31日）の記録の件"
     "数を数えたものです。議会への年次報告に使えます。",
     "Records per job of the register of personal-data work, counted per "
     "fiscal year (April 1 to March 31). Use it for the yearly report to the "
     "council."},
    {MsgId::kPagesFiscalYear, "{0}年度", "FY {0}"},
    {MsgId::kPagesFiscalYearLabel, "年度", "Fiscal year"},
    {MsgId::kPagesShow, "表示", "Show"},
    {MsgId::kPagesNotInRegister, "（登録簿にない業務）",
     "(not in the register)"},
    {MsgId::kPagesNoRegister, "登録簿（ポリシー）がまだ公開されていません。",
     "No register (policy) has been published yet."},
    {MsgId::kPagesRegisterVersion, "登録簿はポリシー第{0}版のものです。",
     "The register is from policy version {0}."},
    {MsgId::kPagesEventHeading, "記録の詳細", "Record details"},
    {MsgId::kPagesReportsIntro,
     "受託者の端末に、個人情報の管理状況の報告（端末の署名付き）を求めることが"
     "できます。報告は、その端末が次に市と通信したときに届きます。",
     "You can ask a PC for a report on how personal data is managed there, "
     "signed by the PC. The report arrives the next time that PC connects to "
     "the city."},
    {MsgId::kPagesReportPending, "回答待ち", "waiting"},
    {MsgId::kPagesReportRequested,
     "{0} に状況報告を依頼しました。端末が次に通信したときに届きます。",
     "A status report was requested from {0}. It arrives when that PC next "
     "connects."},
    {MsgId::kPagesReportSummary,
     "ポリシー第{0}版、記録番号 {1} まで、鍵付きUSBメモリ {2} 本、作業 {3} "
     "回、最終検査: {4}",
     "policy version {0}, records up to {1}, keyed sticks: {2}, sessions: {3}, "
     "last scan: {4}"},
    {MsgId::kPagesTypeNearMiss, "ヒヤリ・ハットの報告", "near miss reported"},
    {MsgId::kPagesTypeJournalCreated, "記録の開始", "journal started"},
    {MsgId::kPagesTypeIpcSuppressed, "短時間に多すぎる要求を抑止",
     "too many local requests suppressed"},
    {MsgId::kPagesTypeAgentStarted, "見守りソフトの起動", "agent started"},
    {MsgId::kPagesTypeAgentStopped, "見守りソフトの停止", "agent stopped"},
    {MsgId::kPagesTypeAgentRecovered, "見守りソフトが正しく終了していなかった",
     "agent was not stopped cleanly"},
    {MsgId::kPagesTypePolicyApplied, "ポリシーの適用", "policy applied"},
    {MsgId::kPagesTypePolicyRefused, "ポリシーの拒否", "policy refused"},
    {MsgId::kPagesTypeSyncRefused, "市への送信が拒否された",
     "sending to the city refused"},
    {MsgId::kPagesTypeSyncUnavailable, "市への送信ができない（同期が動かない）",
     "sending to the city unavailable"},
    {MsgId::kPagesTypeStatusReportSent, "状況報告の送信", "status report sent"},
    {MsgId::kPagesTypeEnrolmentDone, "端末の登録", "PC enrolled"},
    {MsgId::kPagesTypeAgentNotConfigured, "見守りソフトの設定が足りない",
     "agent not fully configured"},
    {MsgId::kPagesTypeAgentConfigError, "見守りソフトの設定ファイルの誤り",
     "agent configuration file error"},
    {MsgId::kPagesTypeAgentReleased, "見守りソフトの解除（アンインストール）",
     "agent released (removal)"},
    {MsgId::kPagesTypeUsbHubError, "USBハブの設定に失敗",
     "USB hub setting failed"},
    {MsgId::kPagesTypeUsbHubClosed, "新しいUSBコントローラーを閉じた",
     "New USB controller closed"},
    {MsgId::kPagesTypeUsbError, "USBの見張りのエラー", "USB enforcement error"},
    {MsgId::kPagesTypeUsbUeventOverflow, "USBの通知があふれたため全体を再確認",
     "USB events lost: all devices looked at again"},
    {MsgId::kPagesTypeUsbDeviceRefused, "USB機器の使用を拒否",
     "USB device refused"},
    {MsgId::kPagesTypeUsbDeviceAuthorized, "USB機器の使用を許可",
     "USB device allowed"},
    {MsgId::kPagesTypeUsbDeviceError, "USB機器を許可できなかった",
     "USB device could not be allowed"},
    {MsgId::kPagesTypeUsbBlockReadOnly, "USBディスクを読み取り専用に設定",
     "USB disk made read-only"},
    {MsgId::kPagesTypeUsbBlockError, "USBディスクを読み取り専用にできなかった",
     "USB disk could not be made read-only"},
    {MsgId::kPagesTypeUsbStickReadOnly, "USBメモリは読み取り専用",
     "USB stick stays read-only"},
    {MsgId::kPagesTypeUsbStickKeyed, "鍵付きUSBメモリを確認",
     "keyed USB stick verified"},
    {MsgId::kPagesTypeUsbStickWritable, "鍵付きUSBメモリを書き込み可能に",
     "keyed USB stick made writable"},
    {MsgId::kPagesTypeUsbStickRemoved, "USBメモリの取り外し",
     "USB stick removed"},
    {MsgId::kPagesTypeUsbStickClosing,
     "USBメモリへの書き込みを停止中（マウントを読み取り専用に）",
     "Stopping writes to a USB stick (mounts made read-only)"},
    {MsgId::kPagesTypeUsbStickCutOff,
     "書き込みを止められないUSBメモリを切り離し",
     "USB stick disconnected: writes could not be stopped"},
    {MsgId::kPagesTypeUsbStickMediaChanged, "カードの入れ替え（新しい判定）",
     "Medium changed (decided afresh)"},
    {MsgId::kPagesTypeUsbWriteAttempt,
     "読み取り専用のUSBメモリへの書き込みの試み",
     "write attempt on a read-only USB stick"},
    {MsgId::kPagesTypeUsbWriteLayer,
     "USBメモリへの書き込みを止める仕組み（カーネルの判定かBLKROSETか）",
     "layer stopping writes to USB sticks (kernel gate or BLKROSET)"},
    {MsgId::kPagesTypeUsbBootParamMissing,
     "起動設定（USB機器を既定で使わせない設定）がない",
     "boot setting missing (USB devices allowed by default)"},
    {MsgId::kPagesTypeSessionStarted, "個人情報を扱う作業の開始",
     "personal-data session started"},
    {MsgId::kPagesTypeSessionResumed, "個人情報を扱う作業の再開",
     "personal-data session resumed"},
    {MsgId::kPagesTypeSessionEnded, "個人情報を扱う作業の終了",
     "personal-data session ended"},
    {MsgId::kPagesTypeSessionEndRefused, "作業の終了を拒否",
     "session end refused"},
    {MsgId::kPagesTypeSessionEndFailed, "作業を終了できなかった",
     "session could not be ended"},
    {MsgId::kPagesTypeSessionFailClosed,
     "安全のため鍵付きUSBメモリを読み取り専用に",
     "failed closed: keyed sticks made read-only"},
    {MsgId::kPagesTypeSessionFileCorrupt, "作業の記録ファイルが壊れていた",
     "session file corrupt"},
    {MsgId::kPagesTypeSessionStickGate, "鍵付きUSBメモリと作業の連動",
     "keyed stick and session"},
    {MsgId::kPagesTypeRadioUnblockAttempt, "無線をオンにしようとした",
     "attempt to turn a radio on"},
    {MsgId::kPagesTypeRadioReblocked, "無線を再びオフに",
     "radio blocked again"},
    {MsgId::kPagesTypeRadioReblockFailed, "無線を再びオフにできなかった",
     "radio could not be blocked again"},
    {MsgId::kPagesTypeRadioBlockFailed, "無線をオフにできなかった",
     "radio could not be blocked"},
    {MsgId::kPagesTypeRadioReadFailed, "無線の状態を読めなかった",
     "radio state unreadable"},
    {MsgId::kPagesTypeRadioConfirmed, "無線がオフであることを確認",
     "radios confirmed off"},
    {MsgId::kPagesTypeRadioAllowed, "例外により作業中の無線を許可",
     "radios allowed during a session by an exception"},
    {MsgId::kPagesTypeRadioAllowanceEnded, "作業中の無線の許可が終了",
     "radio allowance ended"},
    {MsgId::kPagesTypeLinkDown, "ネットワーク接続を切断",
     "network link taken down"},
    {MsgId::kPagesTypeLinkDownFailed, "ネットワーク接続を切断できなかった",
     "network link could not be taken down"},
    {MsgId::kPagesTypeLinkUpAttempt, "ネットワーク接続を戻そうとした",
     "attempt to bring a network link up"},
    {MsgId::kPagesTypeLinkFirewallApplied, "通信の制限を適用",
     "traffic restriction applied"},
    {MsgId::kPagesTypeLinkFirewallFailed, "通信の制限を適用できなかった",
     "traffic restriction failed"},
    {MsgId::kPagesTypeLinkReadFailed, "ネットワークの状態を読めなかった",
     "network link state unreadable"},
    {MsgId::kPagesTypeRosterWatching, "名簿の見張りを開始",
     "roster guard watching"},
    {MsgId::kPagesTypeRosterError, "名簿の見張りのエラー",
     "roster guard error"},
    {MsgId::kPagesTypeRosterOverflow, "名簿の見張りの通知があふれた",
     "roster guard events lost"},
    {MsgId::kPagesTypeRosterFound, "名簿を発見（報告のみ）",
     "roster found (reported only)"},
    {MsgId::kPagesTypeRosterMoved, "名簿をPCから移動",
     "roster moved off the PC"},
    {MsgId::kPagesTypeRosterKept, "名簿を移動できなかった",
     "roster could not be moved"},
    {MsgId::kPagesTypeRosterPaused, "一時停止中のフォルダーの名簿を後回しに",
     "file left for later in a paused folder"},
    {MsgId::kPagesTypeRosterPauseEnded, "フォルダーの一時停止の終了",
     "folder pause ended"},
    {MsgId::kPagesTypeScanCompleted, "名簿の検査の完了", "scan completed"},
    {MsgId::kPagesTypeExceptionRequested, "例外の申請（要求コード）",
     "exception requested (challenge shown)"},
    {MsgId::kPagesTypeExceptionResumed, "例外の再開（再起動後）",
     "exception resumed (after a restart)"},
    {MsgId::kPagesTypeExceptionGranted, "例外の許可", "exception granted"},
    {MsgId::kPagesTypeExceptionRefused, "例外コードの拒否",
     "exception code refused"},
    {MsgId::kPagesTypeExceptionEnded, "例外の終了", "exception ended"},
    {MsgId::kPagesTypeExceptionError, "例外の処理の異常",
     "exception service error"},
    {MsgId::kPagesIncidentHistoryRewritten,
     "すでに受け取った記録が、違う内容で送られてきました。端末の記録が書き換え"
     "られた疑いがあります。",
     "Records already received were sent again with different content: the "
     "PC's records may have been altered."},
    {MsgId::kPagesIncidentChainReplaced,
     "端末の記録ファイルが作り直されています。それまでの記録が消された疑いがあ"
     "ります。",
     "The PC's record file was replaced: earlier records may have been "
     "deleted."},
    {MsgId::kPagesTechnicalDetail, "技術的な詳細: {0}",
     "technical detail: {0}"},
    // End of review pages.
    // Journal.
    {MsgId::kJournalVerifyOk,
     "ジャーナルは正常です: 記録 {0} 件、署名済みチェックポイント {1} 件、"
     "最新の記録 {2}（{3}）。",
     "journal OK: {0} entries, {1} signed checkpoints, head {2} ({3})."},
    {MsgId::kJournalVerifyFailed,
     "ジャーナルの検証に失敗しました: {0}。記録が書き換えられた疑いがあります"
     "。情報システム課に連絡してください。",
     "journal verification FAILED: {0}. The records may have been tampered "
     "with: contact the IT desk."},
    {MsgId::kJournalKeyFromFile,
     "注意: --pub がないため、ジャーナルに記録された端末鍵で確認しました"
     "（記録に矛盾がないことは確認できますが、この端末の記録であることは確認"
     "できません）。",
     "note: no --pub given: checked with the device key recorded in the "
     "journal (this proves consistency, not origin)."},
    {MsgId::kJournalNoEntries, "該当する記録はありません。",
     "no matching entries."},
    {MsgId::kJournalUnsent,
     "個人情報保護担当がまだ受け取っていない記録が {0} 件あります（最新の"
     "記録 {1}、受領済み {2} まで）。",
     "{0} entries have not been acknowledged by the privacy office yet (last "
     "entry {1}, acknowledged up to {2})."},
    {MsgId::kJournalAllSent,
     "すべての記録を個人情報保護担当が受け取っています（最新の記録 {0}）。",
     "every entry has been acknowledged by the privacy office (last entry "
     "{0})."},
    {MsgId::kJournalShowColumns, "番号|日時（日本時間）|重要度|種類|対象|詳細",
     "seq|time (JST)|severity|type|subject|details"},
    {MsgId::kJournalSeverityInfo, "情報", "info"},
    {MsgId::kJournalSeverityNotice, "通知", "notice"},
    {MsgId::kJournalSeverityWarning, "警告", "warning"},
    {MsgId::kJournalSeverityViolation, "違反", "violation"},
    {MsgId::kJournalSeverityIncident, "重大", "incident"},
    // End of journal.
    // Office.
    {MsgId::kOfficeInitDone,
     "個人情報保護担当のサーバーを {0} に用意しました。"
     "端末登録に使うピン（サーバー公開鍵の SHA-256）: {1}",
     "office set up in {0}. Pin for enrolment tokens (SHA-256 of the "
     "server's public key): {1}"},
    {MsgId::kOfficePolicyPublished,
     "ポリシー（版 {0}）を公開しました。各端末は次の同期で受け取ります。",
     "published policy version {0}; the PCs fetch it at their next sync."},
    {MsgId::kOfficePolicyRefused, "ポリシーを公開できません: {0}",
     "policy not published: {0}"},
    {MsgId::kOfficeUserAdded, "利用者 {0} を登録しました。", "user {0} added."},
    {MsgId::kOfficeIncidentsCleared,
     "端末 {0} のインシデント {1} 件を確認済みにし、検証失敗の表示を解除しまし"
     "た。",
     "cleared {1} incident(s) of PC {0} and its \"journal failed "
     "verification\" mark."},
    {MsgId::kOfficeStatusRequested,
     "端末 {0} に状況報告を依頼しました（依頼番号 {1}）。次の同期で届きます。",
     "asked PC {0} for a status report (request {1}); it arrives with the "
     "next sync."},
    // End of office.
    // Office quarantine (office/quarantine_commands.cc, issue 7).
    {MsgId::kOfficeQuarantineKeyCreated,
     "隔離用の鍵を作りました: {0}（鍵ID {1}）。"
     "この鍵ファイルがなければ、隔離されたファイルは二度と開けません。"
     "控えを安全な場所に保管してください。"
     "ポリシーの roster_guard に次の行を入れ、署名して公開してください:",
     "made the quarantine key {0} (key id {1}). Without this key file no "
     "quarantined file can ever be opened: keep a copy in a safe place. Put "
     "this line into the policy's roster_guard section, then sign and "
     "publish the policy:"},
    {MsgId::kOfficeQuarantineKeyShown,
     "隔離用の鍵: {0}（鍵ID {1}）。ポリシーの roster_guard に入れる行:",
     "quarantine key {0} (key id {1}). The line for the policy's "
     "roster_guard section:"},
    {MsgId::kOfficeQuarantineMetadata,
     "元の場所: {0}\n大きさ: {1} バイト\nSHA-256: {2}\n隔離した日時: {3}\n"
     "端末: {4}\n名簿と判定した理由:\n{5}",
     "original path: {0}\nsize: {1} bytes\nSHA-256: {2}\nquarantined at: "
     "{3}\nPC: {4}\nwhy it was taken for a roster:\n{5}"},
    {MsgId::kOfficeQuarantineOpened,
     "{0} に書き出しました（この利用者だけが読めます）。個人情報を含みます。"
     "用が済んだら消去してください。",
     "wrote {0} (readable by this user only). It holds personal data: erase "
     "it when it is no longer needed."},
    {MsgId::kOfficeQuarantineRefused,
     "隔離ファイルを開けません: {0}。何も書き出していません。",
     "quarantined file refused: {0}. Nothing was written."},
    // End of office quarantine.
    // Agent.
    {MsgId::kEnrolTokenCreated,
     "端末 {1} の登録用トークンを {0} に書きました（一度だけ使えます。送り先: "
     "{2}）。",
     "wrote the enrolment token for PC {1} to {0} (usable once; office {2})."},
    {MsgId::kEnrolDone,
     "この端末を {0} として個人情報保護担当のサーバー {1} に登録しました。",
     "this PC is enrolled as {0} with the privacy office at {1}."},
    {MsgId::kNearMissRecorded,
     "ヒヤリ・ハットを記録しました（記録番号 {0}）。市の個人情報保護担当に送ら"
     "れます。",
     "near miss recorded (entry {0}). It will be sent to the city's privacy "
     "office."},
    {MsgId::kAgentNotRunning,
     "常駐プログラム piiguardd に接続できません（{0}）。情報システム課に連絡"
     "してください。",
     "cannot reach the agent piiguardd ({0}); contact the IT desk."},
    {MsgId::kAgentRateLimited,
     "「{0}」は受け付けられませんでした。このユーザーから記録を残す要求が短い"
     "時間に多すぎるためです（この拒否も記録されます）。{1} 秒ほど待ってから"
     "もう一度実行してください。急ぐ場合は情報システム課に電話で伝えてください"
     "。",
     "`{0}` was not accepted: your user sent too many requests that are "
     "recorded in a short time (this refusal is recorded too). Wait about {1} "
     "s and run it again; if it is urgent, tell the IT desk by phone."},
    {MsgId::kAgentBusy,
     "常駐プログラム piiguardd が接続を断りました。このユーザーの接続が多すぎ"
     "ます（この拒否も記録されます）。このユーザーで動いている他の piiguard "
     "コマンドが終わってからもう一度実行してください。続く場合は情報システム課"
     "に連絡してください。",
     "the agent piiguardd refused the connection: your user has too many "
     "connections open (this refusal is recorded). Run it again once your "
     "other piiguard commands have finished; if it goes on, contact the IT "
     "desk."},
    {MsgId::kAgentTooSlow,
     "常駐プログラム piiguardd が要求を最後まで受け取る前に時間切れで接続を"
     "閉じました。もう一度実行してください。続く場合は情報システム課に連絡して"
     "ください。",
     "the agent piiguardd closed the connection before the whole request "
     "arrived (time limit). Run it again; if it goes on, contact the IT "
     "desk."},
    {MsgId::kStatusEnrolled, "端末登録: {0}（送り先 {1}）",
     "enrolment: {0} (office {1})"},
    {MsgId::kStatusNotEnrolled, "端末登録: まだ登録されていません",
     "enrolment: not enrolled yet"},
    {MsgId::kStatusJournal,
     "記録: 最新の番号 {0}、受け取り確認済み {1}、未送信 {2} 件",
     "journal: head {0}, acknowledged {1}, pending {2}"},
    {MsgId::kStatusLastSync, "最後に送信できた時刻: {0}",
     "last successful sync: {0}"},
    {MsgId::kStatusNever, "まだありません", "never"},
    {MsgId::kStatusPolicy, "ポリシー: 版 {0}", "policy: version {0}"},
    // End of agent.
    // The sync process in `piiguard status` (agent/sync, issue 13).
    {MsgId::kStatusSyncRunning, "送信: 動作中（方式 {0}、保護 {1}）",
     "sync: running (mode {0}; sandbox: {1})"},
    {MsgId::kStatusSyncStarting, "送信: 起動しています（方式 {0}）",
     "sync: starting (mode {0})"},
    {MsgId::kStatusSyncWaiting,
     "送信: 送信プロセス（piiguard-sync）の接続を待っています（{0}）",
     "sync: waiting for the sync process (piiguard-sync) to connect to {0}"},
    {MsgId::kStatusSyncOff, "送信: 停止しています（--sync off）",
     "sync: off (--sync off)"},
    {MsgId::kStatusSyncUnavailable,
     "送信: 使えません: {0}。USB・無線・名簿の保護は動いています。"
     "情報システム課に連絡してください。",
     "sync: unavailable: {0}. USB, radio and roster protection run; contact "
     "the IT desk."},
    {MsgId::kStatusSyncProblem,
     "送信できていません: {0}（{1} から {2} 回続けて）: {3}",
     "sync is failing: {0} (since {1}, {2} times in a row): {3}"},
    {MsgId::kStatusSyncOffline,
     "個人情報保護担当のサーバーに接続できません（{0} から {1} 回）。"
     "つながると自動で送信します。",
     "the privacy office cannot be reached (since {0}, {1} tries); the "
     "journal goes out by itself once it can."},
    {MsgId::kSyncKindMaterial, "送信に必要な設定ファイルを読めません",
     "the sync settings cannot be read"},
    {MsgId::kSyncKindCertificate, "この端末の証明書に問題があります",
     "this PC's certificate is not usable"},
    {MsgId::kSyncKindDns, "サーバーの名前が見つかりません",
     "the office's name does not resolve"},
    {MsgId::kSyncKindTls, "暗号化通信（TLS）が成立しません",
     "the TLS connection failed"},
    {MsgId::kSyncKindPin,
     "サーバーの鍵が登録時と違います（なりすましの恐れがあります）",
     "the office's key is not the enrolled one (possible impersonation)"},
    {MsgId::kSyncKindHttp, "サーバーから想定外の応答がありました",
     "an unexpected answer from the office"},
    {MsgId::kSyncKindRefused, "サーバーが記録の受け取りを拒否しました",
     "the office refused the journal"},
    {MsgId::kSyncKindAgent, "この端末の常駐プログラム内で失敗しました",
     "a failure inside this PC's agent"},
    {MsgId::kSyncKindProcess, "送信プロセスが異常終了しました",
     "the sync process failed"},
    // End of sync.
    // USB and keyed sticks (agent/usb, issue 5).
    {MsgId::kUsbUnreadable, "USBメモリの中身を読み取れませんでした。",
     "The stick's contents could not be read."},
    {MsgId::kUsbNoPolicy, "この端末にはまだ市のポリシーが入っていません。",
     "This PC has no city policy yet."},
    {MsgId::kUsbJournalUnavailable,
     "記録が書けないため、安全のため書き込みを止めています。",
     "The journal cannot record, so writing stays off for safety."},
    {MsgId::kUsbNotMadeWritable, "書き込みできる状態にできませんでした。",
     "The stick could not be made writable."},
    {MsgId::kUsbStickWritable,
     "USBメモリ {0}: 書き込みできます（市の鍵付き、業務 {1}、責任者 {2}）。",
     "USB stick {0}: writable (city key, job {1}, holder {2})."},
    {MsgId::kUsbStickReadOnly,
     "USBメモリ {0}: 書き込みできません。{1} 読み取りだけできます。"
     "書き込むには、情報システム担当が市の鍵を入れたUSBメモリを使ってください"
     "。",
     "USB stick {0}: not writable. {1} It can only be read. To write, use a "
     "USB stick keyed by the city's IT desk."},
    {MsgId::kUsbStickWaiting,
     "USBメモリ {0}: "
     "市の鍵を確認しました。無線が止まったことを確かめてから書き込めるようにな"
     "ります。",
     "USB stick {0}: city key verified; it becomes writable once the radios "
     "are confirmed off."},
    {MsgId::kUsbNoSticks, "USBメモリ: 挿さっていません", "USB sticks: none"},
    {MsgId::kUsbHeading, "USBメモリ:", "USB sticks:"},
    {MsgId::kUsbWriteLayerGate,
     "USBメモリへの書き込み防止: カーネルの判定（{0}）",
     "USB write protection: the kernel's gate ({0})"},
    {MsgId::kUsbWriteLayerBlkroset,
     "USBメモリへの書き込み防止: 読み取り専用フラグのみ（{0}）: {1}",
     "USB write protection: the read-only flag only ({0}): {1}"},
    {MsgId::kUsbDeviceRefused,
     "このUSB機器（{0}）は使えないため、つながっていません（{1}）。"
     "必要な場合は情報システム担当に相談してください。",
     "This USB device ({0}) is not allowed and was not connected ({1}). "
     "Ask the IT desk if you need it."},
    {MsgId::kUsbWriteBlocked,
     "USBメモリ {0} への書き込みを止めました。{1} "
     "個人情報は、情報システム担当が市の鍵を入れたUSBメモリに保存してください"
     "。",
     "Writing to USB stick {0} was stopped. {1} Save personal data only on a "
     "USB stick keyed by the city's IT desk."},
    {MsgId::kUsbChecking, "市の鍵を確認しています。",
     "The city key is being checked."},
    {MsgId::kUsbStalled,
     "USBメモリが読み取りに応答しないため、確認をやめました。"
     "抜いてから挿し直してください。",
     "The stick did not answer reads, so it was not checked. Unplug it and "
     "plug it in again."},
    {MsgId::kUsbNotAStick,
     "USBメモリ以外の取り外しできる記憶装置（SDカード、Thunderbolt、"
     "FireWire、光学ドライブなど）は鍵付きにできないため、読み取り専用です。",
     "Removable storage that is not a USB stick (SD card, Thunderbolt, "
     "FireWire, optical drive, ...) cannot be keyed and is read-only."},
    {MsgId::kUsbClosing,
     "書き込みを止めています（マウントを読み取り専用にしています）。",
     "Writing is being stopped (its mounts are being made read-only)."},
    {MsgId::kUsbCutOff,
     "書き込み中のファイルがあり書き込みを止められなかったため、機器を切り離し"
     "ました。",
     "Files were still being written and writing could not be stopped, so "
     "the device was disconnected."},
    {MsgId::kUsbThunderboltRefused,
     "Thunderbolt機器（{0}）は市のポリシーで使えないため、つながっていません"
     "。必要な場合は情報システム担当に相談してください。",
     "The Thunderbolt device ({0}) is not allowed by the city's policy and "
     "was not connected. Ask the IT desk if you need it."},
    // End of USB.
    // Sessions, radios and links (agent/session, issue 6).
    {MsgId::kSessionStarted,
     "個人情報を扱う作業（セッション）を開始しました。無線（{0}）を止めたことを"
     "確認しました。作業が終わったら「piiguard session "
     "end」で終了してください。",
     "personal-data session started; radios blocked and confirmed ({0}). "
     "Run \"piiguard session end\" when the work is done."},
    {MsgId::kSessionStartedNotConfirmed,
     "セッションを開始しましたが、無線を止めたことを確認できていません（{0}"
     "）。鍵付きUSBメモリには書き込めません。情報システム課に連絡してください"
     "。",
     "session started, but the radios are not confirmed blocked ({0}): keyed "
     "sticks stay read-only. Contact the IT desk."},
    {MsgId::kSessionAlready, "すでにセッション中です（開始: {0}）。",
     "a session is already running (started by: {0})."},
    {MsgId::kSessionEnded,
     "セッションを終了しました。鍵付きUSBメモリを読み取り専用にし、無線を元の"
     "状態に戻しました。",
     "session ended: keyed sticks are read-only again and the radios are back "
     "to their earlier state."},
    {MsgId::kSessionNone, "セッションは開始されていません。",
     "no session is running."},
    {MsgId::kSessionEndNotStarter,
     "このセッションは別の利用者が開始したため、終了できません。開始した人か"
     "管理者に依頼してください。",
     "this session was started by another user: ask that user or an "
     "administrator to end it."},
    {MsgId::kSessionEndStickPresent,
     "このセッションは鍵付きUSBメモリで開始されました。USBメモリを取り外すと"
     "終了します。",
     "this session was started by a keyed stick: it ends when the stick is "
     "removed."},
    {MsgId::kSessionEndStandalone,
     "この端末はポリシーでスタンドアロン運用と決められているため、セッションは"
     "終了できません。情報システム課に連絡してください。",
     "this PC is standalone by policy: its session cannot be ended. Contact "
     "the IT desk."},
    {MsgId::kSessionEndRootOnly,
     "セッションの記録が壊れていたため、安全のため無線を止めたままにしています"
     "。終了は管理者（root）だけができます。情報システム課に連絡してください。",
     "the session record was damaged, so the radios are kept blocked; only "
     "an administrator (root) can end this session. Contact the IT desk."},
    {MsgId::kSessionOriginCommand, "コマンド（{0}）", "command ({0})"},
    {MsgId::kSessionOriginStick, "鍵付きUSBメモリ", "keyed stick"},
    {MsgId::kSessionOriginStandalone, "スタンドアロン設定",
     "standalone policy"},
    {MsgId::kSessionOriginRecovered, "記録破損からの復旧",
     "recovery from a damaged record"},
    {MsgId::kStatusSessionOn,
     "個人情報セッション: 実施中（開始: {0}、業務: {1}）",
     "personal-data session: on (started by: {0}, job: {1})"},
    {MsgId::kStatusSessionOff, "個人情報セッション: なし",
     "personal-data session: off"},
    {MsgId::kStatusRadiosConfirmed, "無線: すべて止めたことを確認済み",
     "radios: all confirmed blocked"},
    {MsgId::kStatusRadiosNotConfirmed,
     "無線: 止めたことを確認できていません（鍵付きUSBメモリは書き込めません）",
     "radios: not confirmed blocked (keyed sticks stay read-only)"},
    {MsgId::kStatusRadio, "  無線 {0}（{1}）: {2}", "  radio {0} ({1}): {2}"},
    {MsgId::kStatusRadioBlocked, "停止中", "blocked"},
    {MsgId::kStatusRadioOn, "使用できる状態", "on"},
    {MsgId::kStatusLink, "  回線 {0}: {1}", "  link {0}: {1}"},
    {MsgId::kStatusLinkUp, "接続できる状態", "up"},
    {MsgId::kStatusLinkDown, "切断中", "down"},
    {MsgId::kStatusStandalone,
     "この端末はスタンドアロン運用です（許可された回線以外は切断）",
     "this PC is standalone (every link but the allowed ones is down)"},
    // End of sessions.
    // Roster guard (agent/roster, issue 7).
    {MsgId::kRosterIsRoster,
     "名簿（個人情報の一覧）と判断しました: {0}人分（{1}）",
     "this is a roster (a list of personal data): {0} people ({1})"},
    {MsgId::kRosterIsRosterAtLeast,
     "名簿（個人情報の一覧）と判断しました: {0}人分以上（{1}）",
     "this is a roster (a list of personal data): {0} people or more ({1})"},
    {MsgId::kRosterNotRoster, "名簿ではないと判断しました",
     "this is not a roster"},
    {MsgId::kRosterNotExamined,
     "中身を確認できませんでした（{0}"
     "）。必要なら情報システム課に相談してください",
     "the contents could not be examined ({0}); ask the IT desk if needed"},
    {MsgId::kRosterPartial, "（大きいため先頭部分だけ確認）",
     " (large file: only its beginning was examined)"},
    {MsgId::kRosterColumnAt, "{0}（{1}列目）", "{0} (column {1})"},
    {MsgId::kRosterKindName, "氏名", "name"},
    {MsgId::kRosterKindKana, "ふりがな", "kana reading"},
    {MsgId::kRosterKindAddress, "住所", "address"},
    {MsgId::kRosterKindPhone, "電話番号", "phone number"},
    {MsgId::kRosterKindPostalCode, "郵便番号", "postal code"},
    {MsgId::kRosterKindBirthDate, "生年月日", "date of birth"},
    {MsgId::kRosterKindAge, "年齢", "age"},
    {MsgId::kRosterKindGender, "性別", "gender"},
    {MsgId::kRosterKindEmail, "メールアドレス", "e-mail address"},
    {MsgId::kRosterKindMyNumber, "個人番号（マイナンバー）", "My Number"},
    {MsgId::kRosterGuardTitle, "名簿をパソコンから移しました",
     "a roster was moved off this PC"},
    {MsgId::kRosterGuardMovedToStick,
     "「{0}」は名簿（個人情報の一覧）でした。パソコンの中には保存できないため、"
     "個人情報用USBメモリの「{1}"
     "」フォルダに移しました。続きの作業はUSBメモリ上の"
     "ファイルで行ってください。",
     "\"{0}\" is a roster (a list of personal data). It may not be kept on "
     "this PC, so it was moved to the folder \"{1}\" on the personal-data "
     "USB stick. Go on working with the file on the stick."},
    {MsgId::kRosterGuardQuarantined,
     "「{0}」は名簿（個人情報の一覧）でした。パソコンの中には保存できず、"
     "個人情報用USBメモリも挿されていないため、暗号化して隔離しました"
     "（開けるのは個人情報保護の担当課だけです）。必要なときは担当課に連絡して"
     "ください。"
     "次からは個人情報用USBメモリに保存してください。",
     "\"{0}\" is a roster (a list of personal data). It may not be kept on "
     "this PC and no personal-data USB stick is in, so it was encrypted and "
     "quarantined (only the privacy office can open it). Ask the privacy "
     "office if you need it; next time save it on the personal-data USB "
     "stick."},
    {MsgId::kRosterGuardKept,
     "「{0}」は名簿（個人情報の一覧）ですが、移すことができませんでした（{1}"
     "）。"
     "ファイルはそのまま残っています。個人情報用USBメモリに移して、パソコンから"
     "は"
     "削除してください。分からないときは情報担当に連絡してください。",
     "\"{0}\" is a roster (a list of personal data) but could not be moved "
     "({1}). The file is still where it was. Move it to the personal-data USB "
     "stick and delete it from this PC; ask the IT desk if unsure."},
    {MsgId::kRosterGuardReported,
     "「{0}」は名簿（個人情報の一覧）です。パソコンの中に保存しないでください。"
     "個人情報用USBメモリに移して、パソコンからは削除してください。",
     "\"{0}\" is a roster (a list of personal data). Do not keep it on this "
     "PC: move it to the personal-data USB stick and delete it here."},
    {MsgId::kRosterPauseRefused, "フォルダー「{0}」は一時停止できません。{1}",
     "the folder \"{0}\" cannot be paused: {1}"},
    {MsgId::kRosterPauseNotFolder,
     "あるフォルダーの絶対パス（/ で始まるもの）を指定してください。"
     "リンクはたどりません。",
     "give the absolute path (starting with /) of an existing folder; links "
     "are not followed."},
    {MsgId::kRosterPauseNotYours, "自分のフォルダーだけを指定できます。",
     "only a folder of your own can be paused."},
    {MsgId::kRosterPauseNotHere,
     "ホームフォルダーの中のフォルダーを指定してください（ホームフォルダーその"
     "もの、システムのフォルダー、ディスクの最上位は指定できません）。",
     "pick a folder inside your home folder (not the home folder itself, a "
     "system folder or the top of a disk)."},
    {MsgId::kRosterPauseNotWatched,
     "名簿の見張りの対象外の場所か、見張り自身のファイルを含む場所です。",
     "the roster guard does not watch it, or it holds the guard's own files."},
    {MsgId::kRosterPauseEndedTitle, "フォルダーの一時停止が終わりました",
     "a folder pause has ended"},
    {MsgId::kRosterPauseEnded,
     "フォルダー「{0}」の名簿の見張りの一時停止（例外 {1}）が終わりました。中の"
     "ファイルを調べ直し、名簿はいつもどおりパソコンから移します。名簿を続けて"
     "使うときは個人情報用USBメモリに保存してください。",
     "the pause of the roster guard for the folder \"{0}\" (exception {1}) "
     "has ended. The files in it are examined again now, and rosters are "
     "moved off this PC as usual; keep a roster you still need on the "
     "personal-data USB stick."},
    // End of roster guard.
    // `piiguard scan` (issue 7 item 3, docs/scan-report.md).
    {MsgId::kScanProgress, "スキャン中: {0} ファイル、{1} MB、名簿 {2} 件",
     "scanning: {0} files, {1} MB, {2} rosters"},
    {MsgId::kScanSummary,
     "{0} ファイル（{1} MB）、フォルダ {2} を調べました。たどらなかったリンク "
     "{3}、特殊ファイル {4}、入らなかった別のファイルシステム {5}。",
     "Examined {0} files ({1} MB) in {2} folders. Links not followed: {3}, "
     "special files: {4}, other filesystems not entered: {5}."},
    {MsgId::kScanRosterFound, "名簿と思われるファイル: {0}（{1} 人分）",
     "Looks like a roster: {0} ({1} people)"},
    {MsgId::kScanNotExamined, "調べられなかったもの: {0}（{1}）",
     "Not examined: {0} ({1})"},
    {MsgId::kScanPartial, "先頭だけ調べた大きなファイル: {0}",
     "Large file examined by its beginning only: {0}"},
    {MsgId::kScanMountSkipped,
     "別のファイルシステムのため入らなかった場所: {0}",
     "Other filesystem, not entered: {0}"},
    {MsgId::kScanMore, "…ほか {0} 件（報告書に記載）",
     "... and {0} more (listed in the report)"},
    {MsgId::kScanClean, "名簿は見つからず、すべてのファイルを調べられました。",
     "No roster found, and every file could be examined."},
    {MsgId::kScanRostersFound,
     "名簿と思われるファイルが {0} "
     "件あります。修理に出す前に、鍵付きUSBへ移すか削除してください。",
     "{0} files look like rosters. Before the PC goes to repair, move them to "
     "the keyed USB stick or delete them."},
    {MsgId::kScanUnexaminedFound,
     "{0} 件を調べられませんでした。一覧を確認してください。",
     "{0} entries could not be examined. Please check the list."},
    {MsgId::kScanNotRoot,
     "管理者（root）でないため、読めないファイルがあり得ます。この報告書は「ク"
     "リーン」とはなりません。",
     "Not run as root: some files may be unreadable, so this report cannot be "
     "\"clean\"."},
    {MsgId::kScanSigned, "報告書に端末の鍵で署名しました（記録番号 {0}）: {1}",
     "The report is signed with this PC's device key (journal entry {0}): {1}"},
    {MsgId::kScanUnsigned, "署名なし: {0}。報告書: {1}",
     "Unsigned: {0}. Report: {1}"},
    {MsgId::kScanVerified,
     "報告書の署名は正しいです。端末 {0}、{1}、実行者 {2}（uid {3}）、記録番号 "
     "{4}。",
     "The report's signature is valid: PC {0}, {1}, run by {2} (uid {3}), "
     "journal entry {4}."},
    {MsgId::kScanVerifiedClean,
     "判定: クリーン（名簿なし、すべて調査済み、root で実行）",
     "Result: clean (no roster, everything examined, run as root)"},
    {MsgId::kScanVerifiedNotClean,
     "判定: クリーンではない（名簿 {0} 件、調べられなかったもの {1} 件）",
     "Result: not clean ({0} rosters, {1} not examined)"},
    {MsgId::kScanVerifyFailed, "報告書を確認できません: {0}",
     "The report cannot be verified: {0}"},
    // End of piiguard scan.
    // piiguardd's problems at start.
    {MsgId::kStatusProblems,
     "この PC の見守りソフトの問題:", "problems of this PC's agent:"},
    {MsgId::kProblemNoCityKey,
     "市の公開鍵 {0} "
     "がありません。ポリシーも鍵付きUSBメモリも確認できないため、USBメモリは読"
     "み取り専用のままです。情報システム課に連絡してください。",
     "the city's public key {0} is missing: no policy or keyed stick can be "
     "checked, so USB sticks stay read-only. Contact the IT desk."},
    {MsgId::kProblemCityKeyInvalid,
     "市の公開鍵 {0} "
     "が読めません（{1}"
     "）。USBメモリは読み取り専用のままです。情報システム課に連絡してください"
     "。",
     "the city's public key {0} is unreadable ({1}): USB sticks stay "
     "read-only. Contact the IT desk."},
    {MsgId::kProblemNoPolicy,
     "ポリシーが適用されていません（{0} "
     "がありません）。既定の設定で動いています: "
     "USBメモリは読み取り専用、キーボードとマウスは使用可、作業中は無線オフ。",
     "no policy is applied ({0} is missing): the agent runs on its defaults: "
     "USB sticks read-only, keyboards and mice allowed, radios off during "
     "sessions."},
    {MsgId::kProblemPolicyRefused,
     "ポリシー {0} "
     "を適用できません（{1}"
     "）。既定の設定で動いています。情報システム課に連絡してください。",
     "the policy {0} cannot be applied ({1}): the agent runs on its defaults. "
     "Contact the IT desk."},
    {MsgId::kProblemPolicyNotSaved,
     "新しいポリシーは適用中ですが、{0} "
     "に保存できませんでした。PC "
     "を再起動すると古いポリシーに戻ります。情報システム課に連絡してください。",
     "the new policy is applied but could not be saved to {0}: after a "
     "restart the older one applies. Contact the IT desk."},
    {MsgId::kProblemNoSyncUser,
     "送信用のアカウント {0} がありません。記録はこの PC "
     "に残り、市へは送られません。",
     "the sync account {0} is missing: the journal stays on this PC and is not "
     "sent to the office."},
    {MsgId::kProblemNotEnrolled,
     "この PC は市に登録されていません。記録はこの PC "
     "に残り、登録後に送られます。",
     "this PC is not enrolled: the journal stays on this PC and is sent once "
     "it is."},
    {MsgId::kProblemBootParamMissing,
     "起動時の設定 usbcore.authorized_default=0 "
     "がありません。見守りソフトが動くまでの間、USB機器が使えてしまいます（設定"
     "後の再起動で有効になります）。",
     "the kernel command line lacks usbcore.authorized_default=0: USB devices "
     "work before the agent starts (the setting takes effect at the next "
     "boot)."},
    {MsgId::kProblemPresentDevicesInvalid,
     "インストール時の機器の一覧 {0} "
     "が読めません（{1}）。その機器も通常の規則で判断します。",
     "the list of devices present at installation {0} is unreadable ({1}): "
     "those devices are decided by the usual rules."},
    {MsgId::kProblemUsbNotStarted,
     "USB機器の見張りを開始できませんでした（{0}"
     "）。情報システム課に連絡してください。",
     "USB enforcement could not start ({0}). Contact the IT desk."},
    {MsgId::kProblemRosterGuardNotStarted,
     "名簿の見張りを開始できませんでした（{0}"
     "）。情報システム課に連絡してください。",
     "the roster guard could not start ({0}). Contact the IT desk."},
    {MsgId::kProblemRosterJournalFailed,
     "名簿の見張りの記録を書き込めませんでした（{0}"
     "）。名簿の扱いは続いていますが、事務局に届きません。情報システム課に"
     "連絡してください。",
     "a roster guard record could not be written to the journal ({0}): "
     "rosters are still handled, but the office does not hear of them. "
     "Contact the IT desk."},
    // End of problems.
    {MsgId::kExceptionGranted, "例外を受け付けました（{0}、{1}分間）。",
     "exception granted ({0}, for {1} minutes)."},
    {MsgId::kExceptionMalformed,
     "応答コードの形式が正しくありません。5桁ずつ3組、15桁の数字を"
     "もう一度入力してください。",
     "the response code is malformed: type its 15 digits (three groups of "
     "five) again."},
    {MsgId::kExceptionMisheard,
     "応答コードの第{0}組が聞き間違いのようです。情報システム課にその組を"
     "もう一度読み上げてもらってください。",
     "group {0} of the response seems misheard: ask the IT desk to read that "
     "group again."},
    {MsgId::kExceptionLockedOut,
     "誤った応答コードが続いたため、あと{0}分間は入力できません。",
     "too many wrong responses: try again in {0} minutes."},
    {MsgId::kExceptionAlreadyUsed,
     "このコードはすでに使われています。1つのコードは1回しか使えません。"
     "新しい要求コードを表示してください。",
     "this code was already used: each code works once. Show a new request "
     "code."},
    {MsgId::kExceptionUnknownChallenge,
     "この要求コードは、この PC "
     "が表示しているものではありません（新しい要求で置き換わったか、再起動で"
     "無効になりました）。",
     "this request code is not the one this PC is showing (a newer request "
     "replaced it, or a restart ended it)."},
    {MsgId::kExceptionChallengeExpired,
     "要求コードを表示してから30分を過ぎたため、無効になりました。新しい要求"
     "コードを表示してください。",
     "more than 30 minutes have passed since the request code was shown: "
     "show a new one."},
    {MsgId::kExceptionDayChanged,
     "要求コードを表示した日から日付が変わったため、無効になりました。新しい"
     "要求コードを表示してください。",
     "the date has changed since the request code was shown: show a new "
     "one."},
    {MsgId::kExceptionTooManyTries,
     "この要求コードには誤った応答が続いたため、使えなくなりました。新しい"
     "要求コードを表示してください。",
     "this request code had too many wrong responses: show a new one."},
    {MsgId::kExceptionUnknownPerson,
     "応答コードが示す責任者が、この PC "
     "のポリシーにいません。情報システム課に確認してください。",
     "the responsible person the response names is not in this PC's policy: "
     "check with the IT desk."},
    {MsgId::kExceptionTooManyGrants,
     "有効な例外が多すぎます。終わった作業の例外を閉じてから、もう一度入力して"
     "ください。",
     "too many exceptions are running: end one that is no longer needed, then "
     "try again."},
    {MsgId::kExceptionWrongResponse,
     "応答コードが一致しません。情報システム課で選んだ内容（対象・PC・USBメモリ"
     "・日付）が要求と同じか確認してください。この要求コードには、あと{0}回"
     "入力できます。",
     "the response does not match: check that the IT desk chose the same "
     "scope, PC, stick and date as the request. {0} tries left for this "
     "request code."},
    {MsgId::kExceptionWrongLocked,
     "応答コードが一致しません。誤りが続いたため、{0}分間は入力できません。",
     "the response does not match; after repeated wrong responses, entry is "
     "locked for {0} minutes."},
    {MsgId::kExceptionInternal,
     "応答コードを確認できませんでした（内部エラー）。情報システム課に連絡して"
     "ください。",
     "the response could not be checked (internal error). Contact the IT "
     "desk."},
    {MsgId::kExceptionScopeStick, "USBメモリ1本への書き込み",
     "writing to one stick"},
    {MsgId::kExceptionScopeRadios, "個人情報を扱う作業中の無線",
     "radios during a session"},
    {MsgId::kExceptionScopeRosterFolder, "1つのフォルダーの名簿の見張りを停止",
     "roster guard paused for one folder"},
    {MsgId::kExceptionScopeMaintenance, "保守作業", "a maintenance window"},
    {MsgId::kExceptionDeskRequest,
     "PC {0} の要求: {1}、{2}分間（PC の一覧の {3} 番）。この内容で"
     "よいか、電話の相手に確認してください。",
     "request from PC {0}: {1}, for {2} minutes (item {3} of the PC's "
     "list). Confirm this with the caller."},
    {MsgId::kExceptionDeskResponse,
     "応答コード: {0}（責任者 {1} 番: {2}。{3}（日本時間）の当日だけ有効）",
     "response: {0} (responsible person {1}: {2}; works only on {3}, Japan "
     "time)"},
    {MsgId::kExceptionDeskMalformed,
     "要求コードの形式が正しくありません。5桁ずつ4組、20桁の数字を"
     "もう一度読み上げてもらってください。",
     "the request code is malformed: ask the caller to read its 20 digits "
     "(four groups of five) again."},
    {MsgId::kExceptionDeskMisheard,
     "要求コードの第{0}組が聞き間違いのようです。その組をもう一度読み上げて"
     "もらってください。",
     "group {0} of the request code seems misheard: ask the caller to read "
     "that group again."},
    {MsgId::kExceptionDeskMasterWritten,
     "例外コードの親鍵を {0} に作成しました。この PC "
     "の外に出さないでください。",
     "exception code master key written to {0}: keep it on this machine."},
    {MsgId::kExceptionDeskPcKeyWritten,
     "PC {1} の例外コード用の鍵を {0} に書き込みました。その PC "
     "だけに設置してください。",
     "exception code key of PC {1} written to {0}: install it on that PC "
     "only."},
    {MsgId::kExceptionNoKey,
     "この PC には例外コードの鍵がないため、例外を申請できません（{0}"
     "）。情報システム課に連絡してください。",
     "this PC has no exception code key, so no exception can be asked for "
     "({0}). Contact the IT desk."},
    {MsgId::kExceptionNoPersons,
     "ポリシーに責任者が登録されていないため、例外を申請できません。"
     "情報システム課に連絡してください。",
     "the policy names no responsible person, so no exception can be asked "
     "for. Contact the IT desk."},
    {MsgId::kExceptionNotEnrolled,
     "この PC はまだ登録されていないため、例外を申請できません。"
     "情報システム課に連絡してください。",
     "this PC is not enrolled yet, so no exception can be asked for. Contact "
     "the IT desk."},
    {MsgId::kExceptionScopeUnavailable,
     "{0}の例外は、この版ではまだ申請できません。情報システム課に相談して"
     "ください。",
     "an exception for {0} cannot be asked for in this version yet. Ask the "
     "IT desk."},
    {MsgId::kExceptionBadMinutes,
     "時間は 15、30、60、120、240、480 分のどれかで、{0}は最長 {1} "
     "分です。",
     "the time must be 15, 30, 60, 120, 240 or 480 minutes, and at most {1} "
     "minutes for {0}."},
    {MsgId::kExceptionNoSuchStick,
     "番号 {0} のUSBメモリはありません。`piiguard exception request` "
     "で一覧を確かめてください。",
     "there is no stick number {0}. See the list with `piiguard exception "
     "request`."},
    {MsgId::kExceptionSayOnPhone,
     "情報システム課に電話して、次のとおり伝えてください。\n"
     "  PC：{4}（ポリシーの版 {5}）\n"
     "  内容：{1}、{2}分間（{3}）\n"
     "  要求コード：{0}\n"
     "応答コード（15桁）を聞いたら、`piiguard exception redeem "
     "応答コード` と入力してください。要求コードは30分間、今日だけ有効です。",
     "phone the IT desk and tell them:\n"
     "  PC: {4} (policy version {5})\n"
     "  what: {1}, for {2} minutes ({3})\n"
     "  request code: {0}\n"
     "When you hear the response code (15 digits), type `piiguard exception "
     "redeem RESPONSE`. The request code works for 30 minutes, today only."},
    {MsgId::kExceptionEndedNotice,
     "例外（番号 {0}）が終わりました。元の制限に戻ります。",
     "exception {0} has ended: the usual restrictions apply again."},
    {MsgId::kExceptionNoSuchGrant,
     "番号 {0} の例外は動いていません。`piiguard status` "
     "で確かめてください。",
     "no exception {0} is running. Check with `piiguard status`."},
    {MsgId::kExceptionNotSaved,
     "例外を記録できなかったため、許可しませんでした（{0}"
     "）。情報システム課に連絡してください。",
     "the exception could not be recorded, so it was not granted ({0}). "
     "Contact the IT desk."},
    {MsgId::kExceptionStateUnreadable,
     "例外の記録ファイルを読めないため、例外は使えません（{0}"
     "）。情報システム課に連絡してください。",
     "the record of exceptions cannot be read, so no exception can be used "
     "({0}). Contact the IT desk."},
    {MsgId::kRadioAllowanceSuspended,
     "個人情報の USB メモリが挿さっているため、無線の例外（{0}"
     "）を止めました。無線は使えません。USB メモリを抜くと再開します。",
     "a USB stick with personal data is in, so the radio exception ({0}) "
     "is suspended: no radio works. Take the stick out and it resumes."},
    {MsgId::kRadioAllowanceResumed,
     "USB メモリが抜かれたため、無線の例外（{0}）を再開しました。"
     "無線は使えます。",
     "the USB stick is out, so the radio exception ({0}) has resumed: "
     "radios work again."},
    {MsgId::kExceptionStickListHeader,
     "例外を申請できるUSBメモリ（書き込み禁止になっているもの）：",
     "sticks an exception can be asked for (now read-only):"},
    {MsgId::kExceptionNoForeignSticks,
     "例外を申請できるUSBメモリは挿されていません。",
     "no stick an exception could be asked for is plugged in."},
    {MsgId::kExceptionStickLine, "  番号 {0}：{1}（{2}、シリアル {3}、{4}）",
     "  item {0}: {1} ({2}, serial {3}, {4})"},
    {MsgId::kExceptionHowToRequest,
     "申請するには：piiguard exception request --stick 番号 --minutes 分",
     "to ask: piiguard exception request --stick ITEM --minutes MINUTES"},
    {MsgId::kExceptionLockedNow,
     "間違った応答コードが続いたため、あと {0} "
     "秒は例外コードを受け付けません。",
     "too many wrong response codes: no code is taken for {0} more seconds."},
    {MsgId::kExceptionGrantLine,
     "例外 {0}：{1}、残り {2} 分（許可した人：{3}）",
     "exception {0}: {1}, {2} minutes left (permitted by {3})"},
    {MsgId::kExceptionNoGrants, "動いている例外はありません。",
     "no exception is running."},
    {MsgId::kExceptionEndedByYou, "例外 {0} を終了しました。",
     "exception {0} ended."},
    {MsgId::kExceptionPendingLine, "応答コードを待っている要求コード：{0}",
     "request code waiting for its response: {0}"},
    {MsgId::kExceptionStickNoSerial,
     "USBメモリ {0} にはシリアル番号がないため、同じ型の別のUSBメモリと"
     "区別できません。例外は申請できません。シリアル番号のあるUSBメモリを"
     "使ってください。",
     "stick {0} has no serial number, so it cannot be told apart from "
     "another stick of the same model: no exception can be asked for it. "
     "Use a stick with a serial number."},
    {MsgId::kExceptionListChanged,
     "USBメモリの一覧が変わりました。`piiguard exception request` "
     "で一覧をもう一度確かめてから申請してください。",
     "the list of sticks changed: check it again with `piiguard exception "
     "request`, then ask."},
    {MsgId::kExceptionWhatStick, "一覧の番号 {0}、USBメモリ {1}",
     "item {0} of the list, stick {1}"},
    {MsgId::kExceptionWhatRadios, "このPCの無線（Wi-Fi、Bluetoothなど）",
     "this PC's radios (Wi-Fi, Bluetooth...)"},
    {MsgId::kExceptionWhatFolder, "フォルダー {0}", "folder {0}"},
    {MsgId::kExceptionHowToRequestRadios,
     "作業中に無線を使う例外：piiguard exception request --radios --minutes "
     "分（鍵付きUSBメモリを差している間は、無線は止まったままです）",
     "radios during a session: piiguard exception request --radios --minutes "
     "MINUTES (they stay blocked while a keyed stick is in)"},
    {MsgId::kExceptionHowToRequestFolder,
     "フォルダー1つの名簿の見張りを止める例外：piiguard exception request "
     "--folder フォルダー --minutes 分（終わると、中の名簿は移されます）",
     "pause the roster guard for one folder: piiguard exception request "
     "--folder FOLDER --minutes MINUTES (rosters left in it are moved at the "
     "end)"},
    {MsgId::kStatusRadiosAllowed,
     "無線: 例外（番号 {0}）により使えます。鍵付きUSBメモリを差すと、無線は"
     "再び止まります",
     "radios: allowed by exception {0}; putting in a keyed stick blocks them "
     "again"},
    {MsgId::kStatusRadiosAllowedWaiting,
     "無線: 例外（番号 {0}）がありますが、鍵付きUSBメモリが差されている間は"
     "止めたままです。無線を使うには、USBメモリを抜いてください",
     "radios: exception {0} runs, but they stay blocked while a keyed stick is "
     "in; take the stick out to use them"},
    // The USB enforcer's side.
    {MsgId::kExceptionStickWritable,
     "USBメモリ {0}: 例外として書き込みできます（例外 {1}、許可した人 {2}、"
     "残り {3} 分）。時間が来ると読み取り専用に戻ります。",
     "USB stick {0}: writable by exception (exception {1}, permitted by {2}, "
     "{3} minutes left). It becomes read-only again when the time is up."},
    {MsgId::kExceptionStickEnded,
     "USBメモリ {0}: 例外 {1} が終わりました。書き込みできません。"
     "読み取りだけできます。",
     "USB stick {0}: exception {1} has ended. It is not writable; it can "
     "only be read."},
    {MsgId::kPagesTypeUsbStickException, "例外でUSBメモリを書き込み可能に",
     "USB stick allowed by an exception"},
    {MsgId::kExceptionDeskPersonResponsible, "{0}、委託先 {1} の責任者",
     "{0}, responsible for consignee {1}"},
    {MsgId::kExceptionDeskPersonDeputy, "{0}、委託先 {1} の副責任者",
     "{0}, deputy of consignee {1}"},
    {MsgId::kExceptionDeskPersons,
     "ポリシー（版 {0}）の責任者と副責任者: {1}人。左の番号が応答コードの"
     "責任者番号（--person）です。",
     "responsible persons and deputies of policy version {0}: {1}. The "
     "number on the left is the person index of a response (--person)."},
    {MsgId::kExceptionFileApplied,
     "例外ファイルを適用しました（{0}、{1}分間、許可した人: {2}、番号 {3}）。",
     "exception file applied ({0}, for {1} minutes, permitted by {2}, number "
     "{3})."},
    {MsgId::kExceptionFileMalformed,
     "このファイルは例外ファイルとして読めません（壊れているか、途中で切れて"
     "います）。情報システム課にもう一度発行してもらってください（{0}）。",
     "this file cannot be read as an exception file (it is damaged or cut "
     "short). Ask the IT desk to issue it again ({0})."},
    {MsgId::kExceptionFileBadSignature,
     "この例外ファイルの署名を確認できません（書き換えられたか、市の鍵で署名"
     "されていません）。適用しませんでした。",
     "this exception file's signature does not verify (it was altered, or not "
     "signed with the city's key). It was not applied."},
    {MsgId::kExceptionFileOtherPc,
     "この例外ファイルは別の PC（{0}）用です。この PC は {1} です。",
     "this exception file is for another PC ({0}); this PC is {1}."},
    {MsgId::kExceptionFileNotYetValid,
     "この例外ファイルはまだ使えません（{0} から使えます）。PC の時計を確認して"
     "ください。",
     "this exception file cannot be used yet (only from {0}). Check the PC's "
     "clock."},
    {MsgId::kExceptionFileExpired,
     "この例外ファイルは期限（{0}）を過ぎています。情報システム課に新しい"
     "ファイルを発行してもらってください。",
     "this exception file's deadline ({0}) has passed. Ask the IT desk for a "
     "new one."},
    {MsgId::kExceptionFileAlreadyApplied,
     "この例外ファイル（番号 {0}）はこの PC で既に使われています。1回しか"
     "使えません。",
     "this exception file (number {0}) was already applied on this PC: each "
     "file works once."},
    {MsgId::kExceptionFileUnknownPerson,
     "この例外ファイルを許可した人（{0}）が、この PC のポリシーの責任者に"
     "いません。情報システム課に連絡してください。",
     "the person who permitted this exception file ({0}) is not a responsible "
     "person in this PC's policy. Contact the IT desk."},
    {MsgId::kExceptionFileListFull,
     "7日以内に適用した例外ファイルが多すぎます。情報システム課に連絡して"
     "ください。",
     "too many exception files were applied within 7 days. Contact the IT "
     "desk."},
    {MsgId::kExceptionFileTooLarge,
     "{0} は例外ファイルではありません（{1} バイト。例外ファイルは {2} バイト"
     "まで）。",
     "{0} is not an exception file ({1} bytes; an exception file has at most "
     "{2})."},
    {MsgId::kExceptionDeskFileWritten,
     "例外ファイルを {0} に書きました（番号 {1}、PC {2}、{3}、{4}分間、"
     "許可した人: {5}、{6} まで適用できます）。",
     "exception file written to {0} (number {1}, PC {2}, {3}, for {4} "
     "minutes, permitted by {5}, to be applied by {6})."},
    // The maintenance window.
    {MsgId::kPagesTypeMaintenanceOpened, "保守作業の時間の開始",
     "maintenance window opened"},
    {MsgId::kPagesTypeMaintenanceClosed, "保守作業の時間の終了（実行した内容）",
     "maintenance window closed (what ran)"},
    {MsgId::kPagesTypeMaintenanceNotOpened, "保守作業の時間を開けなかった",
     "maintenance window not opened"},
    {MsgId::kPagesTypeMaintenanceError,
     "保守用アカウントのプロセスを終了できない",
     "maintenance account's processes not ended"},
    {MsgId::kPagesTypeSessionStartRefused, "保守作業中のため作業の開始を拒否",
     "session start refused (maintenance)"},
    {MsgId::kExceptionWhatMaintenance,
     "保守用アカウント {0}（業者の方が使います）",
     "the maintenance account {0} (for the vendor)"},
    {MsgId::kExceptionHowToRequestMaintenance,
     "保守作業の時間（業者の方の作業）：piiguard exception request "
     "--maintenance --minutes 分（最長240分。その間は個人情報を扱う作業を"
     "始められません）",
     "a maintenance window (the vendor's work): piiguard exception request "
     "--maintenance --minutes MINUTES (up to 240; no personal-data session can "
     "start during it)"},
    {MsgId::kMaintenanceNoAccount,
     "保守用アカウント {0} がこの PC にないため、保守作業の例外は申請できません"
     "（{1}）。情報システム課に連絡してください。",
     "the maintenance account {0} does not exist on this PC, so no "
     "maintenance window can be asked for ({1}). Contact the IT desk."},
    {MsgId::kMaintenanceSessionRunning,
     "個人情報を扱う作業（セッション）中は保守作業を申請できません。先に作業を"
     "終了してください（piiguard session end）。",
     "no maintenance window can be asked for during a personal-data session: "
     "end the session first (piiguard session end)."},
    {MsgId::kMaintenanceAlreadyOpen,
     "保守作業の時間はすでに動いています（例外 {0}）。",
     "a maintenance window already runs (exception {0})."},
    {MsgId::kMaintenanceStaffNote,
     "保守用パスワードは、情報システム課が業者の方に直接伝えます。職員の方が"
     "入力するのは応答コードだけです。",
     "The IT desk tells the maintenance password to the vendor directly; you "
     "type only the response code."},
    {MsgId::kMaintenanceDeskPassword, "保守用パスワード（業者の方だけに）：{0}",
     "maintenance password (vendor only): {0}"},
    {MsgId::kMaintenanceDeskVendorOnly,
     "このパスワードは業者の方だけに読み上げてください。職員には伝えないで"
     "ください（職員が入力するのは応答コードだけです）。",
     "Read this password to the vendor only, never to staff (staff type only "
     "the response code)."},
    {MsgId::kMaintenanceOpenedNotice,
     "保守作業の時間が始まりました（{0} 分間、保守用アカウント {1}）。その間は"
     "個人情報を扱う作業を始められず、鍵付きUSBメモリは読み取り専用のままです"
     "。",
     "maintenance window open ({0} minutes, account {1}): no personal-data "
     "session can start and keyed sticks stay read-only until it ends."},
    {MsgId::kMaintenanceClosedNotice,
     "保守作業の時間が終わりました。保守用アカウント {0} "
     "ではログインできなくなり、そのプロセスは終了しました。",
     "maintenance window closed: the account {0} can no longer log in and "
     "its processes were ended."},
    {MsgId::kMaintenanceNotOpenedNotice,
     "保守作業の例外 {0} は許可されましたが、保守作業の時間を開けませんでした"
     "（{1}）。情報システム課に連絡してください。",
     "maintenance exception {0} was granted but the window could not be "
     "opened ({1}). Contact the IT desk."},
    {MsgId::kStatusMaintenanceOpen,
     "保守作業中：アカウント {0}、残り {1} 分（例外 {2}）。個人情報を扱う作業"
     "は始められません",
     "maintenance window open: account {0}, {1} minutes left (exception {2}); "
     "no personal-data session can start"},
    {MsgId::kStatusMaintenanceWaiting,
     "保守作業の例外 {0} がありますが、個人情報を扱う作業中のため保守作業の"
     "時間はまだ始まっていません。作業を終了すると始まります",
     "maintenance exception {0} runs, but the window waits for the "
     "personal-data session to end"},
    {MsgId::kStatusMaintenanceClosing,
     "保守作業の時間を終えています：アカウント {0} のプロセスを終了中（残り "
     "{1}）",
     "maintenance window closing: ending the processes of account {0} ({1} "
     "left)"},
    {MsgId::kSessionRefusedMaintenance,
     "保守作業中（{0} まで）のため、個人情報を扱う作業は始められません。",
     "maintenance in progress until {0}: no personal-data session can start "
     "now."},
    // End of exception codes.
    // The IT desk's ledger of responses (docs/exceptions.md "The desk's
    // ledger"): piiguard-admin exception respond and exception ledger export.
    {MsgId::kExceptionLedgerRecorded,
     "発行記録: 台帳 {0} に {1} 番として記録しました。",
     "recorded in the desk's ledger {0} as record {1}."},
    {MsgId::kExceptionLedgerNotRecorded,
     "台帳に記録できないため、応答コードは出しません（{0}）",
     "no response is given, as the desk's ledger could not record it ({0})"},
    {MsgId::kExceptionLedgerExported,
     "{0} に書き出しました: 台帳 {1} の記録 {2}〜{3}（{4}件）、市の鍵 {5} "
     "で署名。個人情報保護担当に渡し、piiguard-office import-issued "
     "で取り込んでもらってください。",
     "wrote {0}: records {2} to {3} ({4}) of ledger {1}, signed with city key "
     "{5}. Give it to the privacy office for piiguard-office import-issued."},
    {MsgId::kExceptionLedgerExportedNone,
     "{0} に書き出しました: 前回の書き出しから新しい記録はありません（台帳 "
     "{1}）。",
     "wrote {0}: no record since the last export (ledger {1})."},
    {MsgId::kExceptionLedgerMarkFailed,
     "注意: "
     "台帳に書き出しの印を付けられませんでした（{0}"
     "）。次の書き出しにも同じ記録が入りますが、取り込みでは一度だけ保存されま"
     "す。",
     "warning: the export could not be marked in the ledger ({0}); the next "
     "export repeats these records, which the office stores once."},
    // piiguard-office import-issued (office/issued_commands.cc).
    {MsgId::kOfficeIssuedImported,
     "{0} を取り込みました: 台帳 {1} の記録 {2}〜{3}。新しく保存 {4} "
     "件、保存済み {5} 件。",
     "imported {0}: records {2} to {3} of ledger {1}; {4} stored, {5} already "
     "stored."},
    {MsgId::kOfficeIssuedImportedNone,
     "{0} を取り込みました: 台帳 {1} "
     "の新しい記録はありません（前回の書き出しから発行なし）。",
     "imported {0}: no new record of ledger {1} (nothing issued since the "
     "previous export)."},
    {MsgId::kOfficeIssuedImportedAgain,
     "{0} は取り込み済みです。新しく保存したものはありません。",
     "{0} was imported before; nothing new was stored."},
    {MsgId::kOfficeIssuedImportRefused,
     "取り込みを拒否しました。何も保存していません: {0}",
     "refused; nothing was stored: {0}"},
    // The review page /exceptions and its overview line
    // (office/pages/exceptions_page.cc).
    {MsgId::kPagesExcTitle, "例外コードの照合",
     "Exception codes: issued and used"},
    {MsgId::kPagesExcOverviewLine,
     "例外コード: 発行 {0} 件、使用 {1} 件、発行記録のない使用 {2} 件",
     "exception codes: {0} issued, {1} used, {2} used without an issued "
     "record"},
    {MsgId::kPagesExcIntro,
     "情報システム課が電話で伝えた応答コード（発行記録。piiguard-office "
     "import-issued "
     "で取り込みます）と、端末が記録した例外の使用（exception."
     "granted）を、端末と要求コードの番号で突き合わせます。",
     "The response codes the IT desk gave over the phone (its ledger, imported "
     "with piiguard-office import-issued) matched with the exceptions the PCs "
     "recorded as used (exception.granted), by PC and request number."},
    {MsgId::kPagesExcNothing, "例外コードの発行も使用も、まだありません。",
     "No exception code has been issued or used yet."},
    {MsgId::kPagesExcSummary,
     "発行 {0} 件、使用 {1} 件、期限切れ・未使用 {2} "
     "件、未使用（期限内・確認待ちなど）{3} 件、発行記録のない使用 {4} 件",
     "issued {0}, used {1}, expired unused {2}, not used yet (or waiting for "
     "the PC's records) {3}, used without an issued record {4}"},
    {MsgId::kPagesExcAlarmHeading, "発行記録のない使用",
     "Used without an issued record"},
    {MsgId::kPagesExcAlarmIntro,
     "情報システム課の発行記録にない応答コードで、例外が使われました。",
     "An exception was used with a response code that is not in the IT desk's "
     "ledger."},
    {MsgId::kPagesExcCauseNoLedger,
     "発行記録がまだ一度も取り込まれていません。情報システム課に書き出し（piigu"
     "ard-admin exception ledger "
     "export）を頼み、取り込んでください。取り込んだ後も残るなら、台帳の外で応"
     "答コードが出されています。",
     "No export of the IT desk's ledger has been imported yet. Ask the desk "
     "for one (piiguard-admin exception ledger export) and import it; if this "
     "remains afterwards, the code was answered outside the ledger."},
    {MsgId::kPagesExcCauseNotYet,
     "取り込んだ発行記録は {0} "
     "に書き出されたものまでです。この使用はそれより後なので、まだ取り込んでい"
     "ない発行記録にあるかもしれません。新しい書き出しを取り込んでも残るなら、"
     "台帳の外で応答コードが出されています。",
     "The newest ledger export imported was written at {0}; this use is later, "
     "so it may be in an export not imported yet. If it remains after "
     "importing a newer export, the code was answered outside the ledger."},
    {MsgId::kPagesExcCauseOutside,
     "取り込んだ発行記録はこの時刻より後の分まであるのに、この応答コードの記録"
     "がありません。台帳の外で応答コードが出されました（マスター鍵の別の写し、"
     "台帳なしの発行、またはこの端末の鍵の漏えい）。情報システム課と確認してく"
     "ださい。",
     "The imported ledger exports reach past this time and none records this "
     "code: it was answered outside the desk's ledger (another copy of the "
     "master key, an answer given without the ledger, or this PC's key "
     "leaked). Check with the IT desk."},
    {MsgId::kPagesExcCauseDiffers,
     "この要求コードの発行記録はありますが、許可した人・範囲・時間が違います（"
     "記録: {0}）。記録と違う応答コードが使われました。",
     "The ledger records this request, but with another person, scope or "
     "duration (recorded: {0}); a response other than the recorded one was "
     "used."},
    {MsgId::kPagesExcIssuedHeading, "発行された応答コード", "Responses issued"},
    {MsgId::kPagesExcLedgersHeading, "取り込んだ発行記録",
     "Ledger exports imported"},
    {MsgId::kPagesExcLedgerMissing,
     "台帳 {0}: 1〜{2} 番のうち {1} 件がまだ取り込まれていません。",
     "ledger {0}: {1} of records 1 to {2} not imported yet."},
    {MsgId::kPagesExcColIssuedAt, "発行日時", "Issued at"},
    {MsgId::kPagesExcColScope, "範囲と時間", "Scope and duration"},
    {MsgId::kPagesExcColPermittedBy, "許可した人", "Permitted by"},
    {MsgId::kPagesExcColReason, "理由", "Reason"},
    {MsgId::kPagesExcColState, "状態", "State"},
    {MsgId::kPagesExcColUsedAt, "使用日時", "Used at"},
    {MsgId::kPagesExcColUser, "使用者", "User"},
    {MsgId::kPagesExcColRequest, "要求コード", "Request code"},
    {MsgId::kPagesExcColExplanation, "考えられること", "What may explain it"},
    {MsgId::kPagesExcColLedger, "台帳", "Ledger"},
    {MsgId::kPagesExcColExportedAt, "書き出し日時", "Exported at"},
    {MsgId::kPagesExcColImportedAt, "取り込み日時", "Imported at"},
    {MsgId::kPagesExcColRecords, "記録（新規）", "Records (new)"},
    {MsgId::kPagesExcScopeFor, "{0}、{1} 分", "{0}, {1} min"},
    {MsgId::kPagesExcPerson, "{0}（{1} 番）", "{0} (no. {1})"},
    {MsgId::kPagesExcDeputy, "{0}（{1} 番、副責任者）",
     "{0} (no. {1}, deputy)"},
    {MsgId::kPagesExcStateRedeemed, "使用済み", "used"},
    {MsgId::kPagesExcStateUsable, "未使用（{0} の間は使えます）",
     "not used yet (usable on {0})"},
    {MsgId::kPagesExcStateAwaiting,
     "未使用か、端末の記録がまだ届いていません（届いた記録は {0} まで）",
     "not used, or the PC's records have not arrived yet (they reach {0})"},
    {MsgId::kPagesExcStateExpired, "期限切れ・未使用", "expired unused"},
    {MsgId::kPagesExcStateUnknownPc,
     "登録されていない端末です（PC ID の聞き違い・打ち間違い?）",
     "no such PC is enrolled (a misheard or mistyped PC id?)"},
    {MsgId::kPagesExcStateSuperseded,
     "未使用（同じ要求コードに別の応答が使われました）",
     "not used (another response to the same request was used)"},
    {MsgId::kPagesExcNever, "まだ届いていません", "nothing yet"},
    // End of the desk's ledger.
    {MsgId::kOfficeExceptionPublished,
     "例外ファイル {0}（端末 {1}）を配信待ちにしました。端末は {2} "
     "までの次の同期で受け取ります。",
     "exception file {0} for {1} queued: the PC fetches it at its next sync "
     "until {2}."},
    {MsgId::kOfficeExceptionRefused, "例外ファイルを配信できません: {0}",
     "exception file not published: {0}"},
    // Issuing exception files from the review pages and their queue.
    {MsgId::kPagesIssueTitle, "例外ファイルの発行", "Issue an exception file"},
    {MsgId::kPagesIssueIntro,
     "登録された端末に、署名した例外ファイルを発行して配信待ちにします。端末は"
     "次の同期で受け取って確かめ、1 "
     "回だけ適用します。署名は別の署名サービスが行い、この画面のサーバーは鍵を"
     "持ちません。",
     "Issues a signed exception file for an enrolled PC and queues it: the PC "
     "fetches it at its next sync, checks it and applies it once. A separate "
     "signer service signs it; this server holds no key."},
    {MsgId::kPagesIssueNotPermitted,
     "{0} さんには例外ファイルを発行する権限がありません。権限は "
     "piiguard-office user set {0} --may-issue-exceptions=yes で付けます。",
     "{0} may not issue exception files. The permission is granted with "
     "piiguard-office user set {0} --may-issue-exceptions=yes."},
    {MsgId::kPagesIssueNoSigner,
     "署名サービスが設定されていないため、この画面からは例外ファイルを発行でき"
     "ません。情報システム課の piiguard-admin exception issue "
     "で発行し、piiguard-office exception publish で配信待ちにしてください。",
     "No signer service is configured, so exception files cannot be issued "
     "from these pages. The IT desk can issue one with piiguard-admin "
     "exception issue and queue it with piiguard-office exception publish."},
    {MsgId::kPagesIssueNoPersons,
     "公開された方針に責任者・副責任者の一覧がないため、発行できません（許可し"
     "た人を選べません）。",
     "The published policy lists no responsible person or deputy, so nothing "
     "can be issued (nobody to name as permitting it)."},
    {MsgId::kPagesIssueNoPcs, "登録された端末がありません。",
     "No PC is enrolled."},
    {MsgId::kPagesIssueLabelScope, "範囲", "Scope"},
    {MsgId::kPagesIssueLabelIdentity, "USB メモリの識別ハッシュ（64 桁）",
     "The stick's identity hash (64 hex digits)"},
    {MsgId::kPagesIssueIdentityHelp,
     "範囲が USB メモリのときだけ入力します。職員が端末で piiguard exception "
     "request --stick N を実行したときの要求（保留中の要求の stick の "
     "identity。記録 exception.requested にも残ります）から写します。",
     "Only for the stick scope. Copy it from the request staff made on the PC "
     "with piiguard exception request --stick N (the identity of the stick in "
     "the pending request, also in its exception.requested record)."},
    {MsgId::kPagesIssueLabelMinutes, "時間（分）", "Minutes"},
    {MsgId::kPagesIssueMinutesHelp, "最長: {0} は {1} 分、{2} は {3} 分",
     "At most {1} min for {0}, {3} min for {2}"},
    {MsgId::kPagesIssueReasonHelp,
     "200 バイトまで（日本語でおよそ 66 "
     "文字）。改行や制御文字は使えません。職員の端末と記録に表示されます。",
     "Up to 200 bytes (about 66 Japanese characters), no line breaks or "
     "control characters. It is shown on the PC and recorded."},
    {MsgId::kPagesIssueLabelDays, "使える日数（1〜7 日）",
     "Days it may be applied (1 to 7)"},
    {MsgId::kPagesIssueSubmit, "署名して配信待ちにする", "Sign and queue"},
    {MsgId::kPagesIssuedTitle, "例外ファイルを発行しました",
     "Exception file issued"},
    {MsgId::kPagesIssuedText,
     "例外ファイル {0} を端末 {1} "
     "の配信待ちにしました。端末は次の同期で受け取ります。{2} "
     "までに適用されなければ使えなくなります。",
     "Exception file {0} is queued for {1}: the PC fetches it at its next "
     "sync. If it is not applied by {2}, it runs out."},
    {MsgId::kPagesIssuedStaffSees,
     "端末で適用されると、職員には例外の開始が通知されます（{0}。許可した人: "
     "{1}）。適用も拒否も端末の記録に残り、この画面の配信状況に表示されます。",
     "When the PC applies it, staff are told that the exception began ({0}; "
     "permitted by {1}). The grant or refusal is recorded on the PC and shown "
     "on the queue page."},
    {MsgId::kPagesIssueRefusedInput,
     "発行しませんでした。入力を確かめてください。何も配信待ちにしていません: "
     "{0}",
     "Not issued: please check the form. Nothing was queued: {0}"},
    {MsgId::kPagesIssueRefusedSignerDown,
     "署名サービスに接続できないため、発行しませんでした。何も配信待ちにしてい"
     "ません。しばらくしてからやり直すか、管理者に連絡してください（{0}）",
     "Not issued: the signer service cannot be reached. Nothing was queued. "
     "Try again later or ask the administrator ({0})"},
    {MsgId::kPagesIssueRefusedSigner,
     "署名サービスが署名を断ったため、発行しませんでした。何も配信待ちにしてい"
     "ません: {0}",
     "Not issued: the signer service refused to sign. Nothing was queued: {0}"},
    {MsgId::kPagesIssueRefusedPublish,
     "署名されたファイルを配信待ちにできませんでした。何も配信していません: "
     "{0}",
     "The signed file could not be queued; nothing will be delivered: {0}"},
    {MsgId::kPagesQueueTitle, "例外ファイルの配信状況",
     "Exception files queued"},
    {MsgId::kPagesQueueIntro,
     "配信待ちの例外ファイルは、端末が次の同期で受け取ります。配信待ちのものは"
     "取り消せます（取り消した人と日時が残ります）。ただし、端末がすでに受け取"
     "ったファイルは呼び戻せません。そのファイルは 1 "
     "回だけ使え、使用期限を過ぎると使えなくなります。",
     "A queued exception file is fetched by its PC at its next sync. A file "
     "still waiting can be withdrawn (who and when is recorded). A file the PC "
     "has already fetched cannot be called back: it can be applied once, and "
     "runs out at its deadline."},
    {MsgId::kPagesQueueEmpty, "配信する例外ファイルはありません。",
     "No exception file is queued."},
    {MsgId::kPagesQueueColId, "ファイル ID", "File id"},
    {MsgId::kPagesQueueColRedeemBy, "使用期限", "Apply by"},
    {MsgId::kPagesQueueColIssuedBy, "発行・配信した人", "Issued by"},
    {MsgId::kPagesQueueStateWaiting, "配信待ち", "waiting"},
    {MsgId::kPagesQueueStateGranted, "端末が受け取り、適用しました",
     "delivered and granted"},
    {MsgId::kPagesQueueStateRefused,
     "端末が拒否しました（端末の記録を見てください）",
     "refused by the PC (see its records)"},
    {MsgId::kPagesQueueStateWithdrawn, "取り消し済み（{0}、{1}）",
     "withdrawn (by {0}, {1})"},
    {MsgId::kPagesQueueStateExpired, "期限切れ（適用されていません）",
     "expired (not applied)"},
    {MsgId::kPagesQueueWithdraw, "取り消す", "Withdraw"},
    {MsgId::kPagesQueueWithdrawn,
     "例外ファイル {0}（端末 "
     "{1}"
     "）を取り消しました。これ以降は配信しません。端末がすでに受け取っていた場"
     "合は呼び戻せません。",
     "Exception file {0} for {1} is withdrawn: it is no longer served. If the "
     "PC had already fetched it, it cannot be called back."},
    {MsgId::kPagesQueueNotWaiting,
     "例外ファイル {0} は配信待ちではないため、取り消せません。",
     "Exception file {0} is not waiting, so it cannot be withdrawn."},
    {MsgId::kPagesQueueOverviewLine, "例外ファイル: 配信待ち {0} 件",
     "exception files: {0} waiting"},
    {MsgId::kPagesIssueLink, "例外ファイルを発行する",
     "Issue an exception file"},
    {MsgId::kPagesQueueLink, "例外ファイルの配信状況",
     "Exception files queued"},
    {MsgId::kOfficeUserMayIssue,
     "利用者 {0} は例外ファイルを発行できるようになりました。",
     "user {0} may issue exception files."},
    {MsgId::kOfficeUserMayNotIssue,
     "利用者 {0} は例外ファイルを発行できなくなりました。",
     "user {0} may no longer issue exception files."},
}};

std::string Fill(std::string_view pattern,
                 std::initializer_list<std::string_view> args) {
  std::vector<std::string_view> list(args);
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '{' && i + 2 < pattern.size() && pattern[i + 2] == '}' &&
        pattern[i + 1] >= '0' && pattern[i + 1] <= '9') {
      auto index = static_cast<size_t>(pattern[i + 1] - '0');
      if (index < list.size()) out += list[index];
      i += 2;
      continue;
    }
    out.push_back(pattern[i]);
  }
  return out;
}

}  // namespace

Lang LangFromEnvironment(const char* (*getenv_fn)(const char*)) {
  for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* value = getenv_fn(name);
    if (value != nullptr && *value != '\0') {
      return std::string_view(value).substr(0, 2) == "ja" ? Lang::kJa
                                                          : Lang::kEn;
    }
  }
  return Lang::kEn;
}

Lang LangFromEnvironment() {
  return LangFromEnvironment(
      [](const char* name) -> const char* { return std::getenv(name); });
}

const MessageText& MessageEntry(MsgId id) {
  return kTable[static_cast<size_t>(id)];
}

std::string Message(Lang lang, MsgId id,
                    std::initializer_list<std::string_view> args) {
  const MessageText& entry = MessageEntry(id);
  return Fill(lang == Lang::kJa ? entry.ja : entry.en, args);
}

}  // namespace piiguard
