#!/usr/bin/env bash
# Integration test of piiguard-admin as the IT desk uses it: real key files,
# real signed policies, and real FAT/ext4 disk images standing in for sticks.
# Usage: admin_cli_test.sh PATH_TO_PIIGUARD_ADMIN SOURCE_DIR
set -uo pipefail
admin=$(realpath "$1")
src=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
passed=0
failed=0

# check NAME EXPECTED_EXIT PATTERN -- COMMAND...: runs COMMAND, checks its exit
# code and that its output (stdout+stderr) matches PATTERN (grep -E).
check() {
  local name=$1 want=$2 pattern=$3
  shift 4
  local out rc
  out=$("$@" 2>&1)
  rc=$?
  if [[ $rc -eq $want ]] && grep -qE -- "$pattern" <<<"$out"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    printf 'FAIL %s: exit %s (want %s), output:\n%s\n' "$name" "$rc" "$want" "$out"
  fi
}

for tool in mkfs.vfat mkfs.ext4 mcopy debugfs; do
  if ! command -v "$tool" >/dev/null; then
    echo "admin_cli_test: SKIP: $tool is not installed"
    exit 77
  fi
done

check "key new" 0 "city.key" -- "$admin" key new --out keys
check "private key mode" 0 "^600$" -- stat -c %a keys/city.key
check "key new refuses to overwrite" 2 "File exists" -- "$admin" key new --out keys
check "other key" 0 "other.key" -- "$admin" key new --out keys --name other

# Offline exception codes (docs/exceptions.md): the master, a PC's key, and
# the response to a challenge as the desk hears it.
master=keys/exceptions.master
check "exception init-key" 0 "exceptions.master" -- "$admin" exception init-key --out $master
check "exception master mode" 0 "^600$" -- stat -c %a $master
check "exception master size" 0 "^32$" -- stat -c %s $master
check "exception init-key refuses to overwrite" 2 "File exists" -- "$admin" exception init-key --out $master
check "exception pc-key" 0 "pc-01" -- "$admin" exception pc-key --master $master --pc pc-01 --out pc-01.key
check "exception pc key mode" 0 "^600$" -- stat -c %a pc-01.key
check "exception pc key size" 0 "^32$" -- stat -c %s pc-01.key
from=$(date -d '-1 day' +%Y-%m-%dT00:00:00+09:00)
until=$(date -d '+1 year' +%Y-%m-%dT23:59:59+09:00)
sed -e "s/\"valid_from\": \"[^\"]*\"/\"valid_from\": \"$from\"/" \
    -e "s/\"valid_until\": \"[^\"]*\"/\"valid_until\": \"$until\"/" \
    "$src/docs/examples/policy.example.json" >policy.json

check "policy sign" 0 "version 1" -- "$admin" policy sign --key keys/city.key --in policy.json --out policy.signed
check "policy verify" 0 "verdict: accepted" -- "$admin" policy verify --pub keys/city.pub policy.signed
check "policy verify ja" 0 "判定: 有効" -- env LANG=ja_JP.UTF-8 "$admin" policy verify --pub keys/city.pub policy.signed
check "policy verify other key" 1 "unknown signer" -- "$admin" policy verify --pub keys/other.pub policy.signed
sed 's/"block_types":\["wlan"/"block_types":["wlaN"/' policy.signed >tampered.signed
check "tampered payload" 1 "bad signature" -- "$admin" policy verify --pub keys/city.pub tampered.signed
head -c 300 policy.signed >truncated.signed
check "truncated" 1 "malformed" -- "$admin" policy verify --pub keys/city.pub truncated.signed
check "rollback" 1 "rollback" -- "$admin" policy verify --pub keys/city.pub --applied-version 2 policy.signed
check "expired" 1 "expired" -- "$admin" policy verify --pub keys/city.pub --now 2099-01-01T00:00:00Z policy.signed
check "not yet valid" 1 "not yet valid" -- "$admin" policy verify --pub keys/city.pub --now 2020-01-01T00:00:00Z policy.signed
check "policy show" 0 "kosodate-2026-01" -- "$admin" policy show --pub keys/city.pub policy.signed
check "policy show unverified warns" 0 "not checked" -- "$admin" policy show policy.signed

# The response to a challenge as the desk hears it, for a person of the
# signed policy's list (docs/exceptions.md): 0 山田 花子, 1 佐藤 一郎.
persons=("$admin" exception persons --policy policy.signed --pub keys/city.pub)
check "exception persons" 0 "^  1  佐藤 一郎, deputy of consignee npo-hidamari$" -- "${persons[@]}"
check "exception persons count" 0 "policy version 1: 2\\." -- "${persons[@]}"
check "exception persons ja" 0 "^  0  山田 花子、委託先 npo-hidamari の責任者$" -- env LANG=ja_JP.UTF-8 "${persons[@]}"
check "exception persons other key" 2 "signer is not a trusted key" -- "$admin" exception persons --policy policy.signed --pub keys/other.pub
respond=("$admin" exception respond --master $master --pc pc-01 --policy policy.signed --pub keys/city.pub --day 2026-12-07 --reason "講座の名簿を持ち出すため")
check "exception respond" 0 "writing to one stick, for 60 minutes \(item 05" -- "${respond[@]}" --person 1 --challenge 13059-12348-56782-90126
check "exception respond code" 0 "response: [0-9]{5}-[0-9]{5}-[0-9]{5} \(responsible person 1: 佐藤 一郎, deputy of consignee npo-hidamari; works only on 2026-12-07" -- "${respond[@]}" --person 1 --challenge "１３０５９　１２３４８ー５６７８２　９０１２６"
check "exception respond responsible" 0 "responsible person 0: 山田 花子, responsible for consignee npo-hidamari;" -- "${respond[@]}" --person 0 --challenge 13059-12348-56782-90126
check "exception respond ja" 0 "USBメモリ1本への書き込み、60分間" -- env LANG=ja_JP.UTF-8 "${respond[@]}" --person 1 --challenge 13059-12348-56782-90126
check "exception respond misheard" 2 "group 3 of the request code seems misheard" -- "${respond[@]}" --person 1 --challenge 13059-12348-66782-90126
check "exception respond misheard ja" 2 "要求コードの第3組" -- env LANG=ja_JP.UTF-8 "${respond[@]}" --person 1 --challenge 13059-12348-66782-90126
check "exception respond malformed" 2 "request code is malformed" -- "${respond[@]}" --person 1 --challenge 13059-12348-56782
check "exception respond person" 2 "exception respond: --person 2: names nobody: the policy lists 2 responsible persons, 0 to 1" -- "${respond[@]}" --person 2 --challenge 13059-12348-56782-90126
check "exception respond has no --detail" 2 "--detail" -- "${respond[@]}" --person 1 --detail stick-1 --challenge 13059-12348-56782-90126
check "exception respond tampered policy" 2 "signature: does not verify" -- "$admin" exception respond --master $master --pc pc-01 --policy tampered.signed --pub keys/city.pub --person 1 --reason x --challenge 13059-12348-56782-90126
printf 'short' >short.master
check "exception respond short master" 2 "exception key: short.master: 5 bytes, want exactly 32" -- "$admin" exception respond --master short.master --pc pc-01 --policy policy.signed --pub keys/city.pub --person 1 --reason x --challenge 13059-12348-56782-90126
check "exception respond no master" 2 "missing.master" -- "$admin" exception respond --master missing.master --pc pc-01 --policy policy.signed --pub keys/city.pub --person 1 --reason x --challenge 13059-12348-56782-90126
# The desk's ledger (発行記録): every response recorded, with its reason,
# before it is shown; exports of what is new, signed with the city key.
check "exception respond recorded" 0 "recorded in the desk's ledger $master.ledger as record 5\." -- "${respond[@]}" --person 1 --challenge 13059-12348-56782-90126
check "exception ledger line" 0 '"person":1,"person_name":"佐藤 一郎","policy_version":1,"reason":"講座の名簿を持ち出すため","scope":"stick","seq":5\}$' -- tail -n 1 $master.ledger
check "exception ledger mode" 0 "^600$" -- stat -c %a $master.ledger
check "exception respond needs a reason" 2 "--reason is required" -- "$admin" exception respond --master $master --pc pc-01 --policy policy.signed --pub keys/city.pub --person 1 --challenge 13059-12348-56782-90126
check "exception respond control in reason" 2 "exception respond: --reason: control characters are not allowed" -- "$admin" exception respond --master $master --pc pc-01 --policy policy.signed --pub keys/city.pub --person 1 --challenge 13059-12348-56782-90126 --reason $'a\nb'
check "exception respond bidi override in reason" 2 "exception respond: --reason: control characters are not allowed" -- "$admin" exception respond --master $master --pc pc-01 --policy policy.signed --pub keys/city.pub --person 1 --challenge 13059-12348-56782-90126 --reason $'a\xe2\x80\xaeb'
check "exception ledger export" 0 "wrote issued-1.export: records 1 to 5 \(5\) of ledger [0-9a-f]{32}, signed with city key" -- "$admin" exception ledger export --master $master --key keys/city.key --out issued-1.export
check "exception ledger export signed" 0 "^type: exception-ledger$" -- head -n 2 issued-1.export
check "exception ledger export nothing new" 0 "no record since the last export" -- "$admin" exception ledger export --ledger $master.ledger --key keys/city.key --out issued-2.export
check "exception ledger export never overwrites" 2 "issued-1.export" -- "$admin" exception ledger export --ledger $master.ledger --key keys/city.key --out issued-1.export
check "exception ledger export names one ledger" 2 "give one of --ledger FILE and --master FILE" -- "$admin" exception ledger export --key keys/city.key --out issued-3.export
printf '{"kind":"issued"' >>$master.ledger
check "exception respond torn ledger" 2 "no response is given, as the desk's ledger could not record it .*line 9: torn" -- "${respond[@]}" --person 1 --challenge 13059-12348-56782-90126
# Signed exception files (docs/exceptions.md "Signed exception files").
identity=$(printf '%064d' 7)
issue=("$admin" exception issue --pc pc-01 --policy policy.signed --pub keys/city.pub --key keys/city.key --reason "研修資料の書き出し")
check "exception issue" 0 "exception file written to pc-01.exception \(number [0-9]+, PC pc-01, writing to one stick, for 60 minutes, permitted by 佐藤 一郎, deputy of consignee npo-hidamari, to be applied by [0-9-]+T" -- "${issue[@]}" --scope stick --identity "$identity" --minutes 60 --person 1 --out pc-01.exception
check "exception issue envelope" 0 "^type: exception$" -- cat pc-01.exception
check "exception issue payload" 0 "\"identity\":\"$identity\".*\"person\":\"佐藤 一郎\"" -- cat pc-01.exception
check "exception issue mode" 0 "^644$" -- stat -c %a pc-01.exception
check "exception issue refuses to overwrite" 2 "File exists" -- "${issue[@]}" --scope stick --identity "$identity" --minutes 60 --person 1 --out pc-01.exception
check "exception issue radios" 0 "radios" -- "${issue[@]}" --scope radios --minutes 480 --person 0 --days 1 --out radios.exception
check "exception issue over cap" 2 "--minutes 960: must be 15, 30, 60, 120, 240 or 480" -- "${issue[@]}" --scope radios --minutes 960 --person 0 --out x.exception
check "exception issue no identity" 2 "--identity: required with --scope stick" -- "${issue[@]}" --scope stick --minutes 60 --person 0 --out x.exception
check "exception issue person" 2 "--person 2: names nobody" -- "${issue[@]}" --scope radios --minutes 60 --person 2 --out x.exception
check "exception issue other key" 2 "signer is not a trusted key" -- "$admin" exception issue --pc pc-01 --policy policy.signed --pub keys/other.pub --key keys/city.key --reason x --scope radios --minutes 60 --person 0 --out x.exception
sed 's/"read_only"/"rw"/' policy.json >bad.json
check "invalid policy names the field" 2 '\$\.usb\.unkeyed_storage' -- "$admin" policy sign --key keys/city.key --in bad.json --out bad.signed
check "forged key file" 2 "private key" -- "$admin" policy sign --key keys/city.pub --in policy.json --out x.signed

# Sticks as disk images: a FAT superfloppy, an ext4 one, a partitioned FAT.
truncate -s 64M fat.img && mkfs.vfat -i 1A2B3C4D fat.img >/dev/null
truncate -s 64M ext.img && mkfs.ext4 -q -F -U 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0 ext.img
truncate -s 64M part.img
printf 'label: dos\nstart=2048, type=c\n' | sfdisk -q part.img
mkfs.vfat --offset 2048 -i 5E6F7A8B part.img $(( (64 * 1024 * 1024 - 2048 * 512) / 1024 )) >/dev/null

exp=$(date -d '+30 days' +%Y-%m-%d)
id=(--vid 0781 --pid 5567 --serial SER00000001)
check "key fat stick" 0 "stick id [0-9a-f]{32}" -- "$admin" stick key --key keys/city.key --policy policy.signed --image fat.img "${id[@]}" --job kosodate-2026-01 --holder "山田 花子" --expires "$exp"
check "verify fat stick" 0 "verdict: accepted" -- "$admin" stick verify --pub keys/city.pub --policy policy.signed --image fat.img "${id[@]}"
check "key ext4 stick" 0 "ext4" -- "$admin" stick key --key keys/city.key --policy policy.signed --image ext.img --vid 0781 --pid 5567 --serial SER00000002 --job kenshin-2026-02 --holder "佐藤" --expires "$exp"
check "verify ext4 stick" 0 "verdict: accepted" -- "$admin" stick verify --pub keys/city.pub --policy policy.signed --image ext.img --vid 0781 --pid 5567 --serial SER00000002
check "key partitioned stick" 0 "5e6f-7a8b" -- "$admin" stick key --key keys/city.key --policy policy.signed --image part.img --vid 0781 --pid 5567 --serial SER00000003 --job kenshin-2026-02 --holder "佐藤" --expires "$exp" --pc hidamari-pc-01
check "verify partitioned stick on its PC" 0 "verdict: accepted" -- "$admin" stick verify --pub keys/city.pub --policy policy.signed --image part.img --vid 0781 --pid 5567 --serial SER00000003 --pc hidamari-pc-01
check "partitioned stick on another PC" 1 "PC not allowed" -- "$admin" stick verify --pub keys/city.pub --policy policy.signed --image part.img --vid 0781 --pid 5567 --serial SER00000003 --pc other-pc

check "other serial" 1 "identity mismatch \(serial\)" -- "$admin" stick verify --pub keys/city.pub --policy policy.signed --image fat.img --vid 0781 --pid 5567 --serial SER00000999
check "other serial ja" 1 "識別情報が鍵ファイルと一致しません" -- env LANG=ja_JP.UTF-8 "$admin" stick verify --pub keys/city.pub --policy policy.signed --image fat.img --vid 0781 --pid 5567 --serial SER00000999
truncate -s 64M copy.img && mkfs.vfat -i 99990000 copy.img >/dev/null
mcopy -n -i fat.img ::/PIIGUARD.KEY key.bin && mcopy -i copy.img key.bin ::/PIIGUARD.KEY
check "key file copied to another stick" 1 "identity mismatch \(fs_uuid\)" -- "$admin" stick verify --pub keys/city.pub --policy policy.signed --image copy.img "${id[@]}"
truncate -s 32M blank.img && mkfs.vfat blank.img >/dev/null
check "unkeyed stick" 1 "no key file" -- "$admin" stick verify --pub keys/city.pub --policy policy.signed --image blank.img "${id[@]}"
check "expired stick" 1 "verdict: refused \(expired\)" -- "$admin" stick verify --pub keys/city.pub --policy policy.signed --image fat.img "${id[@]}" --now "$(date -d '+40 days' +%Y-%m-%dT00:00:00+09:00)"
check "unknown job refused at keying" 2 "register" -- "$admin" stick key --key keys/city.key --policy policy.signed --image copy.img "${id[@]}" --job nope --holder x --expires "$exp"
check "too long validity refused at keying" 2 "max_key_validity_days" -- "$admin" stick key --key keys/city.key --policy policy.signed --image copy.img "${id[@]}" --job kosodate-2026-01 --holder x --expires "$(date -d '+800 days' +%Y-%m-%d)"
check "past expiry refused at keying" 2 "in the past" -- "$admin" stick key --key keys/city.key --policy policy.signed --image copy.img "${id[@]}" --job kosodate-2026-01 --holder x --expires 2001-01-01
# A stick model without a unique serial: a dd copy onto another stick of
# that model would pass as the keyed stick, so it is not keyed at all.
check "empty serial refused at keying" 2 "no serial number" -- "$admin" stick key --key keys/city.key --policy policy.signed --image copy.img --vid 0781 --pid 5567 --serial "" --job kosodate-2026-01 --holder x --expires "$exp"
check "generic serial refused at keying" 2 "placeholder" -- "$admin" stick key --key keys/city.key --policy policy.signed --image copy.img --vid 0781 --pid 5567 --serial 0123456789ABCDEF --job kosodate-2026-01 --holder x --expires "$exp"
check "repeated serial refused at keying" 2 "repeated" -- "$admin" stick key --key keys/city.key --policy policy.signed --image copy.img --vid 0781 --pid 5567 --serial 000000000000 --job kosodate-2026-01 --holder x --expires "$exp"
check "image needs identity" 2 "needs --vid" -- "$admin" stick verify --pub keys/city.pub --policy policy.signed --image fat.img
check "signed by a key the policy does not pin" 2 "not trusted for sticks" -- "$admin" stick key --key keys/other.key --pub keys/city.pub --policy policy.signed --image copy.img "${id[@]}" --job kosodate-2026-01 --holder x --expires "$exp"

stick_id=$("$admin" stick verify --pub keys/city.pub --policy policy.signed --image fat.img "${id[@]}" | sed -n 's/^stick_id: //p')
check "revoke" 0 "version 2" -- "$admin" stick revoke --policy-in policy.json --stick-id "$stick_id" --reason 紛失 --key keys/city.key --out policy2.signed
check "revoked stick" 1 "verdict: refused \(revoked\)" -- "$admin" stick verify --pub keys/city.pub --policy policy2.signed --image fat.img "${id[@]}"
check "revoke twice" 2 "revoked already" -- "$admin" stick revoke --policy-in policy.json --stick-id "$stick_id" --reason 紛失
check "old policy after revocation is a rollback" 1 "rollback" -- "$admin" policy verify --pub keys/city.pub --applied-version 2 policy.signed

# Enrolment tokens (docs/sync.md): signed by the city key, type
# enrolment-token, mode 0600, never overwritten, every field validated.
pin=$(printf '%064d' 0 | tr 0 a)
check "enrol token" 0 "enrolment token for PC pc-01" -- "$admin" enrol --key keys/city.key --pc pc-01 --office-url https://127.0.0.1:8443 --office-pin "$pin" --consignee npo-hidamari --expires 2d --out token
check "token mode" 0 "^600$" -- stat -c %a token
check "token type" 0 "^type: enrolment-token$" -- cat token
check "token payload" 0 '"consignee":"npo-hidamari".*"pc":"pc-01"' -- cat token
check "token not overwritten" 2 "File exists" -- "$admin" enrol --key keys/city.key --pc pc-01 --office-url https://127.0.0.1:8443 --office-pin "$pin" --out token
check "token bad pin" 2 "office_pin" -- "$admin" enrol --key keys/city.key --pc pc-01 --office-url https://127.0.0.1:8443 --office-pin abc --out token2
check "token bad pc" 2 "pc" -- "$admin" enrol --key keys/city.key --pc "a b" --office-url https://127.0.0.1:8443 --office-pin "$pin" --out token2
check "token http refused" 2 "https://" -- "$admin" enrol --key keys/city.key --pc pc-01 --office-url http://127.0.0.1:8443 --office-pin "$pin" --out token2
check "token too long" 2 "90 days" -- "$admin" enrol --key keys/city.key --pc pc-01 --office-url https://127.0.0.1:8443 --office-pin "$pin" --expires 91d --out token2
check "token no file on refusal" 1 "" -- test -e token2
check "help" 0 "stick" -- "$admin" --help
check "help of a command" 0 "--expires" -- "$admin" stick key --help

echo "admin_cli_test: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
