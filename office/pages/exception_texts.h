// The texts of the exception codes page (/exceptions, exceptions_page.cc)
// and its line on the overview, in Japanese and English: the page's own
// texts (common/local_text.h), beside the shared catalogue's kPages*
// messages. exception_page_test.cc checks every one (kExceptionPageTexts).
//
// Thread-safety: constants.
#ifndef PIIGUARD_OFFICE_PAGES_EXCEPTION_TEXTS_H_
#define PIIGUARD_OFFICE_PAGES_EXCEPTION_TEXTS_H_

#include "common/local_text.h"

namespace piiguard::office::exception_text {

inline constexpr LocalText kTitle{"例外コードの照合",
                                  "Exception codes: issued and used"};
// {0} issued, {1} used, {2} used without an issued record.
inline constexpr LocalText kOverviewLine{
    "例外コード: 発行 {0} 件、使用 {1} 件、発行記録のない使用 {2} 件",
    "exception codes: {0} issued, {1} used, {2} used without an issued "
    "record"};
inline constexpr LocalText kIntro{
    "情報システム課が電話で伝えた応答コード（発行記録。piiguard-office "
    "import-issued で取り込みます）と、端末が記録した例外の使用"
    "（exception.granted）を、端末と要求コードの番号で突き合わせます。",
    "The response codes the IT desk gave over the phone (its ledger, "
    "imported with piiguard-office import-issued) matched with the "
    "exceptions the PCs recorded as used (exception.granted), by PC and "
    "request number."};
inline constexpr LocalText kNothing{
    "例外コードの発行も使用も、まだありません。",
    "No exception code has been issued or used yet."};
// {0} issued, {1} used, {2} expired unused, {3} open, {4} alarms.
inline constexpr LocalText kSummary{
    "発行 {0} 件、使用 {1} 件、期限切れ・未使用 {2} 件、未使用（期限内・"
    "確認待ちなど）{3} 件、発行記録のない使用 {4} 件",
    "issued {0}, used {1}, expired unused {2}, not used yet (or waiting for "
    "the PC's records) {3}, used without an issued record {4}"};
inline constexpr LocalText kAlarmHeading{"発行記録のない使用",
                                         "Used without an issued record"};
inline constexpr LocalText kAlarmIntro{
    "情報システム課の発行記録にない応答コードで、例外が使われました。",
    "An exception was used with a response code that is not in the IT "
    "desk's ledger."};
inline constexpr LocalText kCauseNoLedger{
    "発行記録がまだ一度も取り込まれていません。情報システム課に書き出し"
    "（piiguard-admin exception ledger export）を頼み、取り込んでください。"
    "取り込んだ後も残るなら、台帳の外で応答コードが出されています。",
    "No export of the IT desk's ledger has been imported yet. Ask the desk "
    "for one (piiguard-admin exception ledger export) and import it; if "
    "this remains afterwards, the code was answered outside the ledger."};
// {0} the time the newest imported export was written.
inline constexpr LocalText kCauseNotYet{
    "取り込んだ発行記録は {0} に書き出されたものまでです。この使用はそれより"
    "後なので、まだ取り込んでいない発行記録にあるかもしれません。新しい"
    "書き出しを取り込んでも残るなら、台帳の外で応答コードが出されています。",
    "The newest ledger export imported was written at {0}; this use is "
    "later, so it may be in an export not imported yet. If it remains after "
    "importing a newer export, the code was answered outside the ledger."};
inline constexpr LocalText kCauseOutside{
    "取り込んだ発行記録はこの時刻より後の分まであるのに、この応答コードの"
    "記録がありません。台帳の外で応答コードが出されました（マスター鍵の"
    "別の写し、台帳なしの発行、またはこの端末の鍵の漏えい）。"
    "情報システム課と確認してください。",
    "The imported ledger exports reach past this time and none records this "
    "code: it was answered outside the desk's ledger (another copy of the "
    "master key, an answer given without the ledger, or this PC's key "
    "leaked). Check with the IT desk."};
// {0} what the record says.
inline constexpr LocalText kCauseDiffers{
    "この要求コードの発行記録はありますが、許可した人・範囲・時間が違います"
    "（記録: {0}）。記録と違う応答コードが使われました。",
    "The ledger records this request, but with another person, scope or "
    "duration (recorded: {0}); a response other than the recorded one was "
    "used."};
inline constexpr LocalText kIssuedHeading{"発行された応答コード",
                                          "Responses issued"};
inline constexpr LocalText kLedgersHeading{"取り込んだ発行記録",
                                           "Ledger exports imported"};
// {0} ledger id, {1} how many missing, {2} the highest seq.
inline constexpr LocalText kLedgerMissing{
    "台帳 {0}: 1〜{2} 番のうち {1} 件がまだ取り込まれていません。",
    "ledger {0}: {1} of records 1 to {2} not imported yet."};
inline constexpr LocalText kColIssuedAt{"発行日時", "Issued at"};
inline constexpr LocalText kColScope{"範囲と時間", "Scope and duration"};
inline constexpr LocalText kColPermittedBy{"許可した人", "Permitted by"};
inline constexpr LocalText kColReason{"理由", "Reason"};
inline constexpr LocalText kColState{"状態", "State"};
inline constexpr LocalText kColUsedAt{"使用日時", "Used at"};
inline constexpr LocalText kColUser{"使用者", "User"};
inline constexpr LocalText kColRequest{"要求コード", "Request code"};
inline constexpr LocalText kColExplanation{"考えられること",
                                           "What may explain it"};
inline constexpr LocalText kColLedger{"台帳", "Ledger"};
inline constexpr LocalText kColExportedAt{"書き出し日時", "Exported at"};
inline constexpr LocalText kColImportedAt{"取り込み日時", "Imported at"};
inline constexpr LocalText kColRecords{"記録（新規）", "Records (new)"};
// {0} the scope's name, {1} minutes.
inline constexpr LocalText kScopeFor{"{0}、{1} 分", "{0}, {1} min"};
// {0} name, {1} index.
inline constexpr LocalText kPerson{"{0}（{1} 番）", "{0} (no. {1})"};
inline constexpr LocalText kDeputy{"{0}（{1} 番、副責任者）",
                                   "{0} (no. {1}, deputy)"};
// {0} when.
inline constexpr LocalText kStateRedeemed{"使用済み", "used"};
inline constexpr LocalText kStateUsable{"未使用（{0} の間は使えます）",
                                        "not used yet (usable on {0})"};
inline constexpr LocalText kStateAwaiting{
    "未使用か、端末の記録がまだ届いていません（届いた記録は {0} まで）",
    "not used, or the PC's records have not arrived yet (they reach {0})"};
inline constexpr LocalText kStateExpired{"期限切れ・未使用", "expired unused"};
inline constexpr LocalText kStateUnknownPc{
    "登録されていない端末です（PC ID の聞き違い・打ち間違い?）",
    "no such PC is enrolled (a misheard or mistyped PC id?)"};
inline constexpr LocalText kStateSuperseded{
    "未使用（同じ要求コードに別の応答が使われました）",
    "not used (another response to the same request was used)"};
inline constexpr LocalText kNever{"まだ届いていません", "nothing yet"};

inline constexpr const LocalText* kExceptionPageTexts[] = {
    &kTitle,          &kOverviewLine,  &kIntro,          &kNothing,
    &kSummary,        &kAlarmHeading,  &kAlarmIntro,     &kCauseNoLedger,
    &kCauseNotYet,    &kCauseOutside,  &kCauseDiffers,   &kIssuedHeading,
    &kLedgersHeading, &kLedgerMissing, &kColIssuedAt,    &kColScope,
    &kColPermittedBy, &kColReason,     &kColState,       &kColUsedAt,
    &kColUser,        &kColRequest,    &kColExplanation, &kColLedger,
    &kColExportedAt,  &kColImportedAt, &kColRecords,     &kScopeFor,
    &kPerson,         &kDeputy,        &kStateRedeemed,  &kStateUsable,
    &kStateAwaiting,  &kStateExpired,  &kStateUnknownPc, &kStateSuperseded,
    &kNever};

}  // namespace piiguard::office::exception_text

#endif  // PIIGUARD_OFFICE_PAGES_EXCEPTION_TEXTS_H_
