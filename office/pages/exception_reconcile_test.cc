// The reconciliation's rules on small inputs (exception_reconcile.h). The
// uses here are GrantedUse values; reading them from what the agent really
// journals, and records the real piiguard-admin wrote, is
// tests/integration/exception_reconcile_test.cc.
#include "office/pages/exception_reconcile.h"

#include <gtest/gtest.h>

#include <string>

namespace piiguard::office {
namespace {

constexpr int64_t kDay = 20794;  // 2026-12-07
constexpr int64_t kHour = int64_t{3600} * 1000;
const int64_t kDayStart = IssueDayEndMs(kDay - 1);  // 00:00 JST

IssuedException Issued(const std::string& pc, uint64_t nonce, uint64_t seq,
                       const std::string& consignee = "npo-hidamari") {
  IssuedException i;
  i.ledger = std::string(32, 'a');
  i.seq = seq;
  i.pc = pc;
  i.nonce = nonce;
  i.challenge = "13059-12348-56782-90126";
  i.scope = "stick";
  i.minutes = 60;
  i.index = 5;
  i.person = 1;
  i.person_name = "佐藤 一郎";
  i.deputy = true;
  i.consignee = consignee;
  i.reason = "名簿の持ち出し";
  i.issued_ms = kDayStart + 9 * kHour + static_cast<int64_t>(seq);
  i.issue_day = kDay;
  i.policy_version = 3;
  return i;
}

GrantedUse Use(const std::string& pc, uint64_t nonce, int64_t time_ms,
               int64_t person = 1) {
  GrantedUse u;
  u.pc = pc;
  u.pc_consignee = pc.starts_with("sun") ? "sun-kaigo" : "npo-hidamari";
  u.seq = 10;
  u.time_ms = time_ms;
  u.nonce = nonce;
  u.scope = "stick";
  u.minutes = 60;
  u.person = person;
  u.responsible = "佐藤 一郎";
  u.user = "sato";
  return u;
}

ReconcileInput Input() {
  ReconcileInput in;
  in.pc_consignee = {{"hidamari-pc-01", "npo-hidamari"},
                     {"sun-pc-01", "sun-kaigo"}};
  in.consignee_order = {"npo-hidamari", "sun-kaigo"};
  in.now_ms = kDayStart + 10 * kHour;
  return in;
}

const IssuedLine& Line(const Reconciliation& r, size_t group, uint64_t seq) {
  for (const IssuedLine& line : r.consignees.at(group).issued) {
    if (line.issued.seq == seq) return line;
  }
  ADD_FAILURE() << "no record " << seq;
  return r.consignees.at(group).issued.front();
}

TEST(ExceptionReconcileTest, ADayEndsAtMidnightInJapan) {
  // 2026-12-08 00:00 JST is 2026-12-07 15:00 UTC.
  EXPECT_EQ(IssueDayEndMs(kDay), int64_t{1796655600} * 1000);
}

TEST(ExceptionReconcileTest, MatchesByPcAndNonce) {
  ReconcileInput in = Input();
  in.issued = {Issued("hidamari-pc-01", 111, 1),
               Issued("hidamari-pc-01", 222, 2)};
  in.uses = {Use("hidamari-pc-01", 111, kDayStart + 9 * kHour + 60000),
             Use("sun-pc-01", 222, kDayStart + 9 * kHour)};  // another PC
  in.imports = {
      {"sha", std::string(32, 'a'), 1, 2, in.now_ms, in.now_ms, 2, 2}};
  const Reconciliation r = Reconcile(in);
  ASSERT_EQ(r.consignees.size(), 2U);
  EXPECT_EQ(r.consignees[0].consignee, "npo-hidamari");
  EXPECT_EQ(r.issued, 2U);
  EXPECT_EQ(r.redeemed, 1U);
  EXPECT_EQ(r.alarms, 1U);
  const IssuedLine& used = Line(r, 0, 1);
  EXPECT_EQ(used.state, IssuedState::kRedeemed);
  ASSERT_TRUE(used.use.has_value());
  EXPECT_EQ(used.use->user, "sato");
  EXPECT_EQ(Line(r, 0, 2).state, IssuedState::kUsable);
  // The other PC's use is listed under its consignee, as an alarm the
  // imported export covers.
  ASSERT_EQ(r.consignees[1].unissued.size(), 1U);
  EXPECT_EQ(r.consignees[1].unissued[0].alarm, UseAlarm::kOutsideLedger);
}

TEST(ExceptionReconcileTest, UnusedAfterItsDayByWhatTheJournalShows) {
  ReconcileInput in = Input();
  in.now_ms = IssueDayEndMs(kDay) + 2 * kHour;
  in.issued = {Issued("hidamari-pc-01", 1, 1), Issued("sun-pc-01", 2, 2),
               Issued("typo-pc", 3, 3)};
  // hidamari's journal has arrived past the day's end; sun's has not.
  in.journal_reach = {{"hidamari-pc-01", IssueDayEndMs(kDay) + kHour},
                      {"sun-pc-01", IssueDayEndMs(kDay) - kHour}};
  const Reconciliation r = Reconcile(in);
  EXPECT_EQ(Line(r, 0, 1).state, IssuedState::kExpiredUnused);
  EXPECT_EQ(Line(r, 0, 2).state, IssuedState::kAwaitingJournal);
  EXPECT_EQ(Line(r, 0, 3).state, IssuedState::kUnknownPc);
  EXPECT_EQ(r.consignees[0].expired, 1U);
  EXPECT_EQ(r.consignees[0].open, 2U);
  EXPECT_EQ(r.alarms, 0U);
}

TEST(ExceptionReconcileTest, SaysWhatMayExplainAUseWithoutARecord) {
  ReconcileInput in = Input();
  const int64_t use_time = kDayStart + 9 * kHour;
  in.uses = {Use("hidamari-pc-01", 7, use_time)};
  EXPECT_EQ(Reconcile(in).consignees[0].unissued[0].alarm,
            UseAlarm::kNoLedgerImported);
  in.imports = {
      {"sha", std::string(32, 'a'), 1, 0, use_time - 1, use_time, 0, 0}};
  EXPECT_EQ(Reconcile(in).consignees[0].unissued[0].alarm,
            UseAlarm::kLedgerNotImportedYet);
  in.imports[0].exported_ms = use_time + 1;
  const Reconciliation r = Reconcile(in);
  EXPECT_EQ(r.consignees[0].unissued[0].alarm, UseAlarm::kOutsideLedger);
  EXPECT_EQ(r.covered_until_ms, use_time + 1);
}

TEST(ExceptionReconcileTest, ARecordOfTheRequestForAnotherPersonIsAnAlarm) {
  ReconcileInput in = Input();
  in.issued = {Issued("hidamari-pc-01", 9, 1)};
  in.uses = {Use("hidamari-pc-01", 9, kDayStart + 9 * kHour, /*person=*/0)};
  const Reconciliation r = Reconcile(in);
  ASSERT_EQ(r.consignees[0].unissued.size(), 1U);
  const UnissuedLine& alarm = r.consignees[0].unissued[0];
  EXPECT_EQ(alarm.alarm, UseAlarm::kRecordDiffers);
  ASSERT_TRUE(alarm.recorded.has_value());
  EXPECT_EQ(alarm.recorded->person, 1U);
  EXPECT_EQ(Line(r, 0, 1).state, IssuedState::kSuperseded);
  EXPECT_EQ(r.redeemed, 0U);
}

TEST(ExceptionReconcileTest, TwoResponsesToOneRequestOneUsed) {
  ReconcileInput in = Input();
  IssuedException other = Issued("hidamari-pc-01", 9, 2);
  other.person = 0;
  in.issued = {Issued("hidamari-pc-01", 9, 1), other};
  in.uses = {Use("hidamari-pc-01", 9, kDayStart + 9 * kHour, 0)};
  const Reconciliation r = Reconcile(in);
  EXPECT_EQ(Line(r, 0, 2).state, IssuedState::kRedeemed);
  EXPECT_EQ(Line(r, 0, 1).state, IssuedState::kSuperseded);
  EXPECT_EQ(r.alarms, 0U);
}

TEST(ExceptionReconcileTest, CountsWhatEachLedgerLacks) {
  ReconcileInput in = Input();
  in.issued = {Issued("hidamari-pc-01", 1, 1), Issued("hidamari-pc-01", 3, 3)};
  in.imports = {{"s1", std::string(32, 'a'), 1, 1, 5, 6, 1, 1},
                {"s3", std::string(32, 'a'), 3, 4, 7, 8, 1, 1}};
  const Reconciliation r = Reconcile(in);
  ASSERT_EQ(r.ledgers.size(), 1U);
  EXPECT_EQ(r.ledgers[0].stored, 2U);
  EXPECT_EQ(r.ledgers[0].highest_seq, 4U);
  EXPECT_EQ(r.ledgers[0].newest_export_ms, 7);
}

TEST(ExceptionReconcileTest, AGrantedEntryWithoutAGrantIdIsRefused) {
  ReviewEvent event;
  event.pc = "hidamari-pc-01";
  event.type = "exception.granted";
  for (const char* details :
       {"[]", "{}",
        R"({"grant":"12x","scope":"stick","minutes":60,"person":1})",
        R"({"grant":"12","scope":"stick","minutes":"60","person":1})",
        // Of another type than a PC's agent writes: refused, not thrown on.
        R"({"grant":12,"scope":"stick","minutes":60,"person":1})",
        R"({"grant":"12","scope":["stick"],"minutes":60,"person":1})"}) {
    event.details = details;
    Result<GrantedUse> use = GrantedUseOf(event);
    EXPECT_FALSE(use.ok()) << details;
    EXPECT_EQ(use.status().code(), StatusCode::kInvalidArgument) << details;
  }
  event.details =
      R"({"grant":"12","scope":"stick","minutes":60,"person":1,"user":7,)"
      R"("responsible":["x"],"challenge":{}})";
  ASSERT_TRUE(GrantedUseOf(event).ok());
  EXPECT_EQ(GrantedUseOf(event)->user, "");
}

// A signed file's grant has a grant id the desk's ledger never saw: it is
// not a use of a code, and never an alarm.
TEST(ExceptionReconcileTest, AGrantBySignedFileIsNotReconciled) {
  ReviewEvent event;
  event.pc = "hidamari-pc-01";
  event.type = "exception.granted";
  event.details = R"({"grant":"12","scope":"stick","minutes":60,"person":1,)"
                  R"("via":"file","id":"99","origin":"sync"})";
  Result<GrantedUse> use = GrantedUseOf(event);
  ASSERT_FALSE(use.ok());
  EXPECT_EQ(use.status().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace piiguard::office
