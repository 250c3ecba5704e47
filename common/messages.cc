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
