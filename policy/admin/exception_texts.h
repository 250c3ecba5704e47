// What `piiguard-admin exception respond` and `exception ledger export`
// print about the desk's ledger, in Japanese and English: the module's own
// texts (common/local_text.h) beside the shared catalogue's. admin_test
// checks every one of them (kLedgerTexts).
//
// Thread-safety: constants.
#ifndef PIIGUARD_POLICY_ADMIN_EXCEPTION_TEXTS_H_
#define PIIGUARD_POLICY_ADMIN_EXCEPTION_TEXTS_H_

#include "common/local_text.h"

namespace piiguard::admin {

// {0} the ledger file, {1} the record's seq.
inline constexpr LocalText kRecorded{
    "発行記録: 台帳 {0} に {1} 番として記録しました。",
    "recorded in the desk's ledger {0} as record {1}."};
// {0} why the ledger could not be written.
inline constexpr LocalText kNotRecorded{
    "台帳に記録できないため、応答コードは出しません（{0}）",
    "no response is given, as the desk's ledger could not record it ({0})"};
// {0} the file, {1} the ledger id, {2}..{3} the seqs, {4} how many, {5} the
// city key's id.
inline constexpr LocalText kExported{
    "{0} に書き出しました: 台帳 {1} の記録 {2}〜{3}（{4}件）、市の鍵 {5} "
    "で署名。個人情報保護担当に渡し、piiguard-office import-issued "
    "で取り込んでもらってください。",
    "wrote {0}: records {2} to {3} ({4}) of ledger {1}, signed with city key "
    "{5}. Give it to the privacy office for piiguard-office import-issued."};
// {0} the file, {1} the ledger id.
inline constexpr LocalText kExportedNone{
    "{0} に書き出しました: 前回の書き出しから新しい記録はありません（台帳 "
    "{1}）。",
    "wrote {0}: no record since the last export (ledger {1})."};
// {0} why the mark could not be appended.
inline constexpr LocalText kMarkFailed{
    "注意: 台帳に書き出しの印を付けられませんでした（{0}）。次の書き出しにも"
    "同じ記録が入りますが、取り込みでは一度だけ保存されます。",
    "warning: the export could not be marked in the ledger ({0}); the next "
    "export repeats these records, which the office stores once."};

inline constexpr const LocalText* kLedgerTexts[] = {
    &kRecorded, &kNotRecorded, &kExported, &kExportedNone, &kMarkFailed};

}  // namespace piiguard::admin

#endif  // PIIGUARD_POLICY_ADMIN_EXCEPTION_TEXTS_H_
