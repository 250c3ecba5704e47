#!/usr/bin/env bash
# Integration test of `piiguard journal show|verify` as staff and auditors
# run it, on a journal written by the real Journal class (journal_writer)
# and then tampered with by plain sqlite3.
# Usage: journal_cli_test.sh JOURNAL_WRITER PIIGUARD
set -uo pipefail
writer=$(realpath "$1")
piiguard=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
passed=0
failed=0

for tool in sqlite3 jq; do
  if ! command -v "$tool" >/dev/null; then
    echo "journal_cli_test: SKIP: $tool is not installed"
    exit 77
  fi
done

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
# count NAME EXPECTED_LINES -- COMMAND...: stdout has that many lines.
count() {
  local name=$1 want=$2
  shift 3
  local n
  n=$("$@" 2>/dev/null | wc -l)
  if [[ $n -eq $want ]]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    printf 'FAIL %s: %s lines, want %s\n' "$name" "$n" "$want"
  fi
}

"$writer" new-key device.key device.pub >/dev/null || exit 1
"$writer" new-key other.key other.pub >/dev/null || exit 1
"$writer" append journal.db device.key 1 10 near_miss.reported >/dev/null || exit 1
"$writer" append journal.db device.key 1 5 stick.refused >/dev/null || exit 1
"$writer" append journal.db device.key 1 5 sticker.test >/dev/null || exit 1

check "private file mode" 0 "^600$" -- stat -c %a journal.db
check "verify" 0 "^journal OK: 21 entries, 1 signed checkpoints, head 21 \([0-9a-f]{64}\)\.$" \
  -- "$piiguard" journal verify --db journal.db --pub device.pub
check "verify without --pub says what it proves" 0 "proves consistency, not origin" \
  -- "$piiguard" journal verify --db journal.db
check "verify in Japanese" 0 "ジャーナルは正常です: 記録 21 件" \
  -- env LANG=ja_JP.UTF-8 "$piiguard" journal verify --db journal.db --pub device.pub
check "verify with another PC's key" 1 "FAILED: journal made under another device key" \
  -- "$piiguard" journal verify --db journal.db --pub other.pub

# What the package's prerm and postrm rely on (docs/install.md): read from
# the file, exit 1 while entries are unacknowledged.
check "unsent before any ack" 1 "^21 entries have not been acknowledged by the privacy office yet \(last entry 21, acknowledged up to 0\)\.$" \
  -- "$piiguard" journal unsent --db journal.db
cp journal.db acked.db
"$writer" ack acked.db device.key 15 || exit 1
check "unsent --json after an ack" 1 '^\{"acked_seq":15,"head_seq":21,"unsent":6\}$' \
  -- "$piiguard" journal unsent --db acked.db --json
"$writer" ack acked.db device.key 21 || exit 1
check "all acknowledged" 0 "^every entry has been acknowledged by the privacy office \(last entry 21\)\.$" \
  -- "$piiguard" journal unsent --db acked.db
check "all acknowledged in Japanese" 0 "すべての記録を個人情報保護担当が受け取っています" \
  -- env LANG=ja_JP.UTF-8 "$piiguard" journal unsent --db acked.db
check "unsent of a missing file" 2 "No such file" \
  -- "$piiguard" journal unsent --db missing.db

check "show table" 0 "^seq +time \(JST\) +severity +type +subject +details$" \
  -- "$piiguard" journal show --db journal.db
check "show first entry" 0 "^1 +[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}  notice +journal.created +journal +\{\"chain\":\"[0-9a-f]{32}\"" \
  -- "$piiguard" journal show --db journal.db
check "show in Japanese" 0 "^1 +[0-9-]{10} [0-9:]{8}  通知 +journal.created" \
  -- env LANG=ja_JP.UTF-8 "$piiguard" journal show --db journal.db
count "show rows" 22 -- "$piiguard" journal show --db journal.db
count "show --json" 21 -- "$piiguard" journal show --db journal.db --json
check "show --json fields" 0 '^\{"details":\{"n":0,"thread":0\},"hash":"[0-9a-f]{64}","prev":"[0-9a-f]{64}","seq":2,"severity":"notice","subject":"uid:1000","time":[0-9]+,"time_jst":"[0-9T:-]+\+09:00","type":"near_miss.reported"\}$' \
  -- "$piiguard" journal show --db journal.db --json
count "show --type stick (not sticker)" 5 -- "$piiguard" journal show --db journal.db --json --type stick
count "show --limit" 3 -- "$piiguard" journal show --db journal.db --json --limit 3
check "show --limit keeps the newest" 0 '"seq":21,.*"type":"sticker.test"' \
  -- "$piiguard" journal show --db journal.db --json --limit 1
count "show --since a past date" 21 -- "$piiguard" journal show --db journal.db --json --since 2020-01-01
check "show --since the future" 0 "^no matching entries\.$" \
  -- "$piiguard" journal show --db journal.db --since 2999-01-01T00:00:00+09:00
check "show --since bad" 2 "^error: --since" \
  -- "$piiguard" journal show --db journal.db --since yesterday
check "show missing file" 2 "^error: journal: nothere.db: No such file" \
  -- "$piiguard" journal show --db nothere.db
check "usage error" 2 "" -- "$piiguard" journal show --bogus

echo "not a database, only text, long enough for sqlite to look at it ......................................" >text.db
check "verify a file that is not a journal" 2 "not a piiguard journal" \
  -- "$piiguard" journal verify --db text.db --pub device.pub
check "verify a missing file" 2 "No such file" \
  -- "$piiguard" journal verify --db nothere.db

# Tampering with plain sqlite3.
cp journal.db edited.db
sqlite3 edited.db "UPDATE entries SET subject = 'uid:0' WHERE seq = 7"
check "edited entry" 1 "FAILED: entry 7 altered" \
  -- "$piiguard" journal verify --db edited.db --pub device.pub
check "edited entry, Japanese" 1 "ジャーナルの検証に失敗しました: entry 7 altered" \
  -- env LANG=ja_JP.UTF-8 "$piiguard" journal verify --db edited.db --pub device.pub
cp journal.db deleted.db
sqlite3 deleted.db "DELETE FROM entries WHERE seq = 12"
check "deleted entry" 1 "FAILED: entry 12 removed\." \
  -- "$piiguard" journal verify --db deleted.db --pub device.pub
cp journal.db renumbered.db
sqlite3 renumbered.db "DELETE FROM entries WHERE seq = 12; UPDATE entries SET seq = -(seq - 1) WHERE seq > 12; UPDATE entries SET seq = -seq WHERE seq < 0;"
check "deleted and renumbered" 1 "FAILED: entry 12 removed \(later entries renumbered\)" \
  -- "$piiguard" journal verify --db renumbered.db --pub device.pub
cp journal.db swapped.db
sqlite3 swapped.db "CREATE TEMP TABLE t AS SELECT * FROM entries WHERE seq IN (4, 9);
  UPDATE entries SET (time, type, severity, subject, details, prev, hash) =
  (SELECT time, type, severity, subject, details, prev, hash FROM t WHERE t.seq = 13 - entries.seq)
  WHERE seq IN (4, 9);"
check "reordered" 1 "FAILED: entry 9 reordered \(found at position 4\)" \
  -- "$piiguard" journal verify --db swapped.db --pub device.pub

echo "journal_cli_test: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
