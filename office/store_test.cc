#include "office/store.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/journal/entry.h"
#include "office/store_testing.h"
#include "policy/test_policy.h"

namespace piiguard::office {
namespace {

using testing::Engine;
using testing::TestStore;

constexpr int64_t kNowMs = 1790000000000;

PcRecord Pc(const std::string& id, const std::string& consignee = "") {
  PcRecord pc;
  pc.pc = id;
  pc.consignee = consignee;
  pc.device_key_pem = "device key of " + id;
  pc.chain = std::string(32, 'a');
  pc.cert_serial = "0123abcd";
  return pc;
}

// Entries 1..n, linked, with `job` in the details of even ones.
std::vector<journal::Entry> Entries(uint64_t first, uint64_t last,
                                    journal::Hash prev) {
  std::vector<journal::Entry> out;
  for (uint64_t seq = first; seq <= last; ++seq) {
    journal::Entry e;
    e.seq = seq;
    e.time_ms = kNowMs + static_cast<int64_t>(seq) * 1000;
    e.type = seq % 2 == 0 ? "stick.refused" : "near_miss.reported";
    e.severity =
        seq % 2 == 0 ? journal::Severity::kWarning : journal::Severity::kNotice;
    e.subject = "uid:1000";
    e.details = seq % 2 == 0
                    ? R"({"job":"job-a","n":)" + std::to_string(seq) + "}"
                    : R"({"text":"あ"})";
    e.prev = prev;
    e.hash = journal::EntryHash(e);
    prev = e.hash;
    out.push_back(e);
  }
  return out;
}

class StoreTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override { PIIGUARD_SETUP_TEST_STORE(store_, GetParam()); }
  TestStore store_;
};

TEST_P(StoreTest, EnrolStoresOncePerNonceAndPc) {
  ASSERT_EQ(store_->Enrol(Pc("pc-1", "npo-1"), "nonce-1", kNowMs),
            Status::Ok());
  Result<PcRecord> pc = store_->GetPc("pc-1");
  ASSERT_TRUE(pc.ok()) << pc.status().ToString();
  EXPECT_EQ(pc->consignee, "npo-1");
  EXPECT_EQ(pc->enrolled_ms, kNowMs);
  EXPECT_EQ(pc->acked_seq, 0U);
  EXPECT_EQ(pc->acked_head, journal::Hash{});
  EXPECT_FALSE(pc->verification_failed);

  // The same nonce for another PC: refused, nothing stored.
  Status reused = store_->Enrol(Pc("pc-2"), "nonce-1", kNowMs);
  EXPECT_EQ(reused.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->GetPc("pc-2").status().code(), StatusCode::kNotFound);
  // The same PC with a fresh nonce: refused, and the nonce stays unused.
  Status again = store_->Enrol(Pc("pc-1"), "nonce-2", kNowMs);
  EXPECT_EQ(again.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->Enrol(Pc("pc-3"), "nonce-2", kNowMs), Status::Ok());
}

TEST_P(StoreTest, IngestTransactionStoresEntriesAndAnchor) {
  ASSERT_EQ(store_->Enrol(Pc("pc-1"), "n1", kNowMs), Status::Ok());
  std::vector<journal::Entry> entries = Entries(1, 1200, journal::Hash{});
  {
    auto tx = store_->BeginIngest();
    ASSERT_TRUE(tx.ok());
    auto pc = (*tx)->LockPc("pc-1");
    ASSERT_TRUE(pc.ok() && pc->has_value());
    ASSERT_EQ((*tx)->InsertEntries("pc-1", entries), Status::Ok());
    ASSERT_EQ((*tx)->Advance("pc-1", 1200, entries.back().hash, kNowMs + 5, 7),
              Status::Ok());
    ASSERT_EQ((*tx)->Commit(), Status::Ok());
  }
  Result<PcRecord> pc = store_->GetPc("pc-1");
  ASSERT_TRUE(pc.ok());
  EXPECT_EQ(pc->acked_seq, 1200U);
  EXPECT_EQ(pc->acked_head, entries.back().hash);
  EXPECT_EQ(pc->last_contact_ms, kNowMs + 5);
  EXPECT_EQ(pc->policy_version, 7);

  auto tx = store_->BeginIngest();
  ASSERT_TRUE(tx.ok());
  auto hashes = (*tx)->StoredHashes("pc-1", 1199, 1300);
  ASSERT_TRUE(hashes.ok());
  ASSERT_EQ(hashes->size(), 2U);
  EXPECT_EQ(hashes->at(1199), entries[1198].hash);
  EXPECT_EQ(hashes->at(1200), entries[1199].hash);
  // A later Advance with policy_version 0 keeps the reported version.
  ASSERT_EQ((*tx)->Advance("pc-1", 1200, entries.back().hash, kNowMs + 6, 0),
            Status::Ok());
  ASSERT_EQ((*tx)->Commit(), Status::Ok());
  EXPECT_EQ(store_->GetPc("pc-1")->policy_version, 7);

  Result<ReviewEvent> event = store_->GetEvent("pc-1", 2);
  ASSERT_TRUE(event.ok());
  EXPECT_EQ(event->type, "stick.refused");
  EXPECT_EQ(event->severity, journal::Severity::kWarning);
  EXPECT_EQ(event->details, R"({"job":"job-a","n":2})");
  Result<ReviewEvent> unicode = store_->GetEvent("pc-1", 1);
  ASSERT_TRUE(unicode.ok());
  EXPECT_EQ(unicode->details, R"({"text":"あ"})");
  EXPECT_EQ(store_->GetEvent("pc-1", 1201).status().code(),
            StatusCode::kNotFound);
}

TEST_P(StoreTest, UncommittedIngestChangesNothing) {
  ASSERT_EQ(store_->Enrol(Pc("pc-1"), "n1", kNowMs), Status::Ok());
  std::vector<journal::Entry> entries = Entries(1, 10, journal::Hash{});
  {
    auto tx = store_->BeginIngest();
    ASSERT_TRUE(tx.ok());
    ASSERT_EQ((*tx)->InsertEntries("pc-1", entries), Status::Ok());
    ASSERT_EQ((*tx)->Advance("pc-1", 10, entries.back().hash, kNowMs, 0),
              Status::Ok());
    ASSERT_EQ((*tx)->RaiseIncident("pc-1", "x", "y", kNowMs), Status::Ok());
  }  // destroyed uncommitted
  EXPECT_EQ(store_->GetPc("pc-1")->acked_seq, 0U);
  EXPECT_EQ(store_->ListEvents({})->total, 0U);
  EXPECT_TRUE(store_->ListIncidents(true)->empty());
}

TEST_P(StoreTest, DuplicateEntryFailsTheTransaction) {
  ASSERT_EQ(store_->Enrol(Pc("pc-1"), "n1", kNowMs), Status::Ok());
  std::vector<journal::Entry> entries = Entries(1, 3, journal::Hash{});
  auto tx = store_->BeginIngest();
  ASSERT_TRUE(tx.ok());
  ASSERT_EQ((*tx)->InsertEntries("pc-1", entries), Status::Ok());
  EXPECT_FALSE((*tx)->InsertEntries("pc-1", entries).ok());
}

TEST_P(StoreTest, IncidentsFlagAndClear) {
  ASSERT_EQ(store_->Enrol(Pc("pc-1"), "n1", kNowMs), Status::Ok());
  ASSERT_EQ(store_->Enrol(Pc("pc-2"), "n2", kNowMs), Status::Ok());
  {
    auto tx = store_->BeginIngest();
    ASSERT_TRUE(tx.ok());
    ASSERT_EQ((*tx)->RaiseIncident("pc-1", "history_rewritten",
                                   "history rewritten at seq 3", kNowMs + 1),
              Status::Ok());
    ASSERT_EQ(
        (*tx)->RaiseIncident("pc-1", "chain_replaced", "new chain", kNowMs + 2),
        Status::Ok());
    ASSERT_EQ((*tx)->Commit(), Status::Ok());
  }
  auto pcs = store_->ListPcs();
  ASSERT_TRUE(pcs.ok());
  ASSERT_EQ(pcs->size(), 2U);
  EXPECT_EQ((*pcs)[0].pc, "pc-1");
  EXPECT_TRUE((*pcs)[0].journal_failed);
  EXPECT_EQ((*pcs)[0].failure_reason, "new chain");
  EXPECT_EQ((*pcs)[0].last_contact_ms, kNowMs + 2);
  EXPECT_FALSE((*pcs)[1].journal_failed);

  auto incidents = store_->ListIncidents(false);
  ASSERT_TRUE(incidents.ok());
  ASSERT_EQ(incidents->size(), 2U);
  EXPECT_EQ((*incidents)[0].code, "chain_replaced");  // newest first
  EXPECT_EQ((*incidents)[1].reason, "history rewritten at seq 3");

  Result<uint64_t> cleared = store_->ClearIncidents("pc-1", kNowMs + 3);
  ASSERT_TRUE(cleared.ok());
  EXPECT_EQ(*cleared, 2U);
  EXPECT_TRUE(store_->ListIncidents(false)->empty());
  EXPECT_EQ(store_->ListIncidents(true)->size(), 2U);
  EXPECT_TRUE(store_->ListIncidents(true)->at(0).cleared);
  EXPECT_FALSE(store_->GetPc("pc-1")->verification_failed);
  EXPECT_EQ(store_->ClearIncidents("nope", kNowMs).status().code(),
            StatusCode::kNotFound);
}

TEST_P(StoreTest, ListEventsFiltersAndPages) {
  ASSERT_EQ(store_->Enrol(Pc("pc-1", "npo-1"), "n1", kNowMs), Status::Ok());
  ASSERT_EQ(store_->Enrol(Pc("pc-2"), "n2", kNowMs), Status::Ok());
  {
    auto tx = store_->BeginIngest();
    ASSERT_TRUE(tx.ok());
    ASSERT_EQ((*tx)->InsertEntries("pc-1", Entries(1, 10, {})), Status::Ok());
    ASSERT_EQ((*tx)->InsertEntries("pc-2", Entries(1, 4, {})), Status::Ok());
    ASSERT_EQ((*tx)->Commit(), Status::Ok());
  }
  EventFilter all;
  auto page = store_->ListEvents(all);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(page->total, 14U);
  ASSERT_EQ(page->events.size(), 14U);
  EXPECT_EQ(page->events[0].pc, "pc-1");  // newest first
  EXPECT_EQ(page->events[0].seq, 10U);
  EXPECT_EQ(page->events[0].consignee, "npo-1");

  EventFilter filter;
  filter.consignee = "npo-1";
  filter.type_prefix = "stick.";
  filter.min_severity = journal::Severity::kWarning;
  filter.from_ms = kNowMs + 4000;  // seq >= 4
  filter.to_ms = kNowMs + 9000;    // seq < 9
  filter.limit = 2;
  filter.offset = 1;
  page = store_->ListEvents(filter);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 3U);  // 4, 6, 8
  ASSERT_EQ(page->events.size(), 2U);
  EXPECT_EQ(page->events[0].seq, 6U);
  EXPECT_EQ(page->events[1].seq, 4U);

  EventFilter pc2;
  pc2.pc = "pc-2";
  pc2.type_prefix = "near_miss.";
  EXPECT_EQ(store_->ListEvents(pc2)->total, 2U);
  EventFilter percent;
  percent.type_prefix = "%";  // no LIKE wildcards
  EXPECT_EQ(store_->ListEvents(percent)->total, 0U);

  auto counts = store_->CountEventsByJob(kNowMs, kNowMs + 5000);
  ASSERT_TRUE(counts.ok());
  ASSERT_EQ(counts->size(), 1U);
  EXPECT_EQ((*counts)[0].job, "job-a");
  EXPECT_EQ((*counts)[0].type, "stick.refused");
  EXPECT_EQ((*counts)[0].count, 4U);  // pc-1: 2, 4; pc-2: 2, 4
}

// Near misses are two exact types (an old agent's "near_miss" and
// "near_miss.reported"): a type that only starts like one is not one.
TEST_P(StoreTest, ListEventsByExactTypes) {
  ASSERT_EQ(store_->Enrol(Pc("pc-1"), "n1", kNowMs), Status::Ok());
  std::vector<journal::Entry> entries = Entries(1, 4, {});
  entries[0].type = "near_miss";
  entries[1].type = "near_miss.reported";
  entries[2].type = "near_miss_x";
  entries[3].type = "near_miss.reported.x";
  {
    auto tx = store_->BeginIngest();
    ASSERT_TRUE(tx.ok());
    ASSERT_EQ((*tx)->InsertEntries("pc-1", entries), Status::Ok());
    ASSERT_EQ((*tx)->Commit(), Status::Ok());
  }
  EventFilter near;
  near.types = {"near_miss", "near_miss.reported"};
  near.limit = 1;
  near.offset = 1;  // the parameters after the types are numbered right
  Result<EventPage> page = store_->ListEvents(near);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(page->total, 2U);
  ASSERT_EQ(page->events.size(), 1U);
  EXPECT_EQ(page->events[0].type, "near_miss");
  near.pc = "pc-2";
  EXPECT_EQ(store_->ListEvents(near)->total, 0U);
  EventFilter many;
  many.types.assign(17, "x");
  EXPECT_EQ(store_->ListEvents(many).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_P(StoreTest, PoliciesOnlyMoveForward) {
  EXPECT_FALSE(store_->NewestPolicy()->has_value());
  EXPECT_EQ(store_->GetRegister()->policy_version, 0);
  std::string payload(policy::testing::ValidPolicyText());
  ASSERT_EQ(store_->PublishPolicy(3, "envelope-3", payload, kNowMs),
            Status::Ok());
  EXPECT_EQ(store_->PublishPolicy(3, "other", payload, kNowMs).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->PublishPolicy(2, "older", payload, kNowMs).code(),
            StatusCode::kFailedPrecondition);
  auto newest = store_->NewestPolicy();
  ASSERT_TRUE(newest.ok() && newest->has_value());
  EXPECT_EQ((*newest)->version, 3);
  EXPECT_EQ((*newest)->envelope, "envelope-3");

  auto reg = store_->GetRegister();
  ASSERT_TRUE(reg.ok()) << reg.status().ToString();
  EXPECT_EQ(reg->policy_version, 3);
  ASSERT_EQ(reg->jobs.size(), 2U);
  EXPECT_EQ(reg->jobs[0].id, "job-a");
  EXPECT_EQ(reg->jobs[0].name, "講座名簿");
  ASSERT_EQ(reg->consignees.size(), 1U);
  EXPECT_EQ(reg->consignees[0].responsible, "山田");

  auto tx = store_->BeginIngest();
  ASSERT_TRUE(tx.ok());
  EXPECT_EQ(*(*tx)->NewestPolicyVersion(), 3);
}

TEST_P(StoreTest, StatusRequestsAndReports) {
  ASSERT_EQ(store_->Enrol(Pc("pc-1"), "n1", kNowMs), Status::Ok());
  EXPECT_EQ(
      store_->RequestStatusReport("nope", "alice", kNowMs).status().code(),
      StatusCode::kNotFound);
  auto first = store_->RequestStatusReport("pc-1", "alice", kNowMs);
  auto second = store_->RequestStatusReport("pc-1", "bob", kNowMs + 1);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->id.size(), 32U);
  EXPECT_NE(first->id, second->id);
  {
    auto tx = store_->BeginIngest();
    ASSERT_TRUE(tx.ok());
    EXPECT_EQ(*(*tx)->PendingStatusRequest("pc-1"), first->id);
    EXPECT_EQ(*(*tx)->PendingStatusRequest("pc-2"), "");
    EXPECT_FALSE(*(*tx)->StoreStatusReport("pc-2", first->id, "{}", kNowMs));
    EXPECT_TRUE(
        *(*tx)->StoreStatusReport("pc-1", first->id, "{\"a\":1}", kNowMs + 9));
    EXPECT_FALSE(*(*tx)->StoreStatusReport("pc-1", first->id, "{}", kNowMs));
    EXPECT_EQ(*(*tx)->PendingStatusRequest("pc-1"), second->id);
    ASSERT_EQ((*tx)->Commit(), Status::Ok());
  }
  auto list = store_->ListStatusRequests("", 10);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2U);
  EXPECT_EQ((*list)[0].id, second->id);  // newest first
  EXPECT_EQ((*list)[1].report, "{\"a\":1}");
  EXPECT_EQ((*list)[1].received_ms, kNowMs + 9);
  EXPECT_EQ((*list)[1].requested_by, "alice");
  EXPECT_EQ(store_->ListStatusRequests("pc-1", 1)->size(), 1U);
  EXPECT_TRUE(store_->ListStatusRequests("pc-9", 10)->empty());
}

TEST_P(StoreTest, UsersSessionsAndLoginFailures) {
  OfficeUser user{"alice", std::string(64, 'b'), std::string(32, 'c'), 1000};
  ASSERT_EQ(store_->AddUser(user, kNowMs), Status::Ok());
  EXPECT_EQ(store_->AddUser(user, kNowMs).code(),
            StatusCode::kFailedPrecondition);
  auto got = store_->GetUser("alice");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->password_hash_hex, user.password_hash_hex);
  EXPECT_EQ(got->salt_hex, user.salt_hex);
  EXPECT_EQ(got->iterations, 1000U);
  EXPECT_EQ(store_->GetUser("bob").status().code(), StatusCode::kNotFound);

  ASSERT_EQ(store_->RecordLoginFailure("alice", kNowMs), Status::Ok());
  ASSERT_EQ(store_->RecordLoginFailure("alice", kNowMs + 10), Status::Ok());
  EXPECT_EQ(*store_->CountLoginFailures("alice", kNowMs + 5), 1U);
  EXPECT_EQ(*store_->CountLoginFailures("alice", 0), 2U);
  EXPECT_EQ(*store_->CountLoginFailures("bob", 0), 0U);

  LoginSession session{std::string(64, 'd'), "alice", "csrf", kNowMs,
                       kNowMs + 100};
  LoginSession old{std::string(64, 'e'), "alice", "csrf2", kNowMs, kNowMs + 1};
  ASSERT_EQ(store_->CreateSession(session), Status::Ok());
  ASSERT_EQ(store_->CreateSession(old), Status::Ok());
  EXPECT_FALSE(store_->CreateSession(session).ok());
  auto back = store_->GetSession(session.token_hash_hex);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->csrf_token, "csrf");
  EXPECT_EQ(back->expires_ms, kNowMs + 100);
  ASSERT_EQ(store_->DeleteExpiredSessions(kNowMs + 1), Status::Ok());
  EXPECT_EQ(store_->GetSession(old.token_hash_hex).status().code(),
            StatusCode::kNotFound);
  EXPECT_TRUE(store_->GetSession(session.token_hash_hex).ok());
  ASSERT_EQ(store_->DeleteSession(session.token_hash_hex), Status::Ok());
  EXPECT_EQ(store_->GetSession(session.token_hash_hex).status().code(),
            StatusCode::kNotFound);
}

TEST_P(StoreTest, UsersMayBePermittedToIssueExceptions) {
  OfficeUser user{"alice", std::string(64, 'b'), std::string(32, 'c'), 1000};
  ASSERT_EQ(store_->AddUser(user, kNowMs), Status::Ok());
  EXPECT_FALSE(store_->GetUser("alice")->may_issue_exceptions);
  user.name = "sato";
  user.may_issue_exceptions = true;
  ASSERT_EQ(store_->AddUser(user, kNowMs), Status::Ok());
  EXPECT_TRUE(store_->GetUser("sato")->may_issue_exceptions);
  ASSERT_EQ(store_->SetUserMayIssueExceptions("alice", true), Status::Ok());
  EXPECT_TRUE(store_->GetUser("alice")->may_issue_exceptions);
  ASSERT_EQ(store_->SetUserMayIssueExceptions("sato", false), Status::Ok());
  EXPECT_FALSE(store_->GetUser("sato")->may_issue_exceptions);
  EXPECT_EQ(store_->SetUserMayIssueExceptions("bob", true).code(),
            StatusCode::kNotFound);
}

// An office of an earlier version, without the columns added since, is
// upgraded in place when it is opened, its rows kept.
TEST_P(StoreTest, UpgradesAnEarlierSchemaInPlace) {
  OfficeUser user{"alice", std::string(64, 'b'), std::string(32, 'c'), 1000};
  ASSERT_EQ(store_->AddUser(user, kNowMs), Status::Ok());
  QueuedException file;
  file.pc = "pc-1";
  file.id = "7";
  file.sha256 = std::string(64, 'a');
  file.file = "signed bytes";
  file.redeem_by_ms = kNowMs + 1000;
  file.published_ms = kNowMs;
  file.issued_by = "tanaka";
  ASSERT_EQ(store_->QueueExceptionFile(file), Status::Ok());
  auto open_raw = [this]() {
    return store_.postgres() ? OpenPgDb(store_.ConnInfo(), 1)
                             : OpenSqliteDb(store_.sqlite_path());
  };
  {
    auto db = open_raw();
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    auto txn = (*db)->Begin(true);
    ASSERT_TRUE(txn.ok());
    for (const char* drop :
         {"ALTER TABLE users DROP COLUMN may_issue_exceptions",
          "ALTER TABLE exception_files DROP COLUMN issued_by",
          "ALTER TABLE exception_files DROP COLUMN withdrawn_ms",
          "ALTER TABLE exception_files DROP COLUMN withdrawn_by"}) {
      ASSERT_TRUE((*txn)->Query(drop, {}).ok()) << drop;
    }
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  auto reopen = [this]() {
    return store_.postgres() ? OfficeStore::OpenPostgres(store_.ConnInfo(), 1)
                             : OfficeStore::OpenSqlite(store_.sqlite_path());
  };
  for (int round = 0; round < 2; ++round) {  // the second finds them there
    auto upgraded = reopen();
    ASSERT_TRUE(upgraded.ok()) << upgraded.status().ToString();
    auto got = (*upgraded)->GetUser("alice");
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(got->password_hash_hex, user.password_hash_hex);
    EXPECT_EQ(got->may_issue_exceptions, round == 1);
    ASSERT_EQ((*upgraded)->SetUserMayIssueExceptions("alice", true),
              Status::Ok());
    auto listed = (*upgraded)->ListExceptionFiles("pc-1", 10);
    ASSERT_TRUE(listed.ok()) << listed.status().ToString();
    ASSERT_EQ(listed->size(), 1U);
    EXPECT_EQ((*listed)[0].file, "signed bytes");
    EXPECT_EQ((*listed)[0].issued_by, "");  // not recorded before
    EXPECT_EQ((*listed)[0].withdrawn_ms, 0);
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, StoreTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         testing::EngineName);

}  // namespace
}  // namespace piiguard::office
