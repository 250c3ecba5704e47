// Office ingest benchmark (docs/BENCHMARKS.md): N simulated PCs enrol over
// real TLS on loopback, then push their journals in batches concurrently;
// prints the events per second the office ingested.
//
// In-process server (sqlite in a temporary directory, or --pg CONNINFO):
//   office_ingest_bench --pcs 1000 --batches 4 --batch-size 250 [--pg ...]
// Against running `piiguard-office serve` processes (tests/integration/
// office_pg_test.sh), alternating between them, then checking the database:
//   office_ingest_bench --dir OFFICE_DIR --city-key city.key
//       --ports P1,P2 ... [--check-pg CONNINFO | --check-db FILE]
//
// Batches are built and signed before the clock starts: the figure is the
// office's (TLS handshake, parsing, verification, storage), not the agent's.
// Each push is a new TLS connection with the PC's client certificate, as an
// agent's sync is. Exit 0 when every batch was acknowledged (and the check
// passed), 1 otherwise.

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "common/file_util.h"
#include "common/json.h"
#include "common/os/clock.h"
#include "office/server.h"
#include "office/simulated_pc.h"
#include "office/store.h"

namespace piiguard::office {
namespace {

using Clock = std::chrono::steady_clock;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Options {
  size_t pcs = 100;
  size_t batches = 4;
  size_t batch_size = 250;
  size_t clients = 64;
  size_t server_threads = 32;
  std::string pg;
  size_t pg_connections = 16;
  // External servers.
  std::string dir;
  std::string city_key;
  std::string ports;
  std::string check_pg;
  std::string check_db;
};

struct PcLoad {
  std::string id;
  std::optional<tls::EcPrivateKey> tls_key;
  std::string enrol_body;
  std::vector<std::string> batches;  // serialised
  uint64_t last_seq = 0;
  std::optional<tls::Certificate> cert;
};

void Die(const std::string& what) {
  std::fprintf(stderr, "office_ingest_bench: %s\n", what.c_str());
  std::exit(2);
}

// Makes the PCs' keys, enrolment requests and batches on all cores.
std::vector<PcLoad> MakeLoad(const Options& options,
                             const Ed25519PrivateKey& city,
                             const std::string& pin) {
  std::vector<PcLoad> loads(options.pcs);
  std::atomic<size_t> next{0};
  std::vector<std::thread> workers;
  std::string run_id = testing::MustHex(3);
  for (unsigned t = 0; t < std::max(2U, std::thread::hardware_concurrency());
       ++t) {
    workers.emplace_back([&] {
      for (size_t i = next++; i < loads.size(); i = next++) {
        testing::SimulatedPc pc("bench-" + run_id + "-" + std::to_string(i));
        tls::EnrolmentToken token = pc.Token(pin, NowMs() + 3600 * 1000);
        PcLoad load{pc.id(),
                    pc.tls_key(),
                    pc.EnrolBody(testing::MakeToken(city, token), token),
                    {},
                    0,
                    std::nullopt};
        size_t total = options.batches * options.batch_size;
        pc.journal().AddEvents(total - 1);  // + journal.created
        for (size_t b = 0; b < options.batches; ++b) {
          uint64_t first = b * options.batch_size + 1;
          uint64_t last = first + options.batch_size - 1;
          load.batches.push_back(
              journal::SerializeBatch(pc.MakeBatch(first, last)));
          load.last_seq = last;
        }
        loads[i] = std::move(load);
      }
    });
  }
  for (auto& w : workers) w.join();
  return loads;
}

std::unique_ptr<httplib::SSLClient> Client(int port, const std::string& ca_path,
                                           const PcLoad* pc) {
  auto client =
      pc == nullptr || !pc->cert
          ? std::make_unique<httplib::SSLClient>("127.0.0.1", port)
          : std::make_unique<httplib::SSLClient>(
                "127.0.0.1", port, pc->cert->get(), pc->tls_key->get());
  client->set_ca_cert_path(ca_path.c_str());
  client->enable_server_certificate_verification(true);
  client->set_tcp_nodelay(true);
  client->set_connection_timeout(30, 0);
  client->set_read_timeout(120, 0);
  client->set_write_timeout(120, 0);
  return client;
}

struct RunResult {
  double seconds = 0;
  uint64_t events = 0;
  uint64_t failures = 0;
};

RunResult Run(const Options& options, std::vector<PcLoad>& loads,
              const std::vector<int>& ports, const std::string& ca_path) {
  // Enrol everyone (not timed).
  std::atomic<size_t> next{0};
  std::atomic<uint64_t> failures{0};
  std::mutex print_mutex;
  auto report = [&](const std::string& line) {
    std::lock_guard<std::mutex> lock(print_mutex);
    std::fprintf(stderr, "%s\n", line.c_str());
  };
  std::vector<std::thread> workers;
  for (size_t t = 0; t < options.clients; ++t) {
    workers.emplace_back([&] {
      for (size_t i = next++; i < loads.size(); i = next++) {
        auto res = Client(ports[i % ports.size()], ca_path, nullptr)
                       ->Post("/api/v1/enrol", loads[i].enrol_body,
                              "application/json");
        if (!res || res->status != 200) {
          ++failures;
          report("enrol " + loads[i].id + ": " +
                 (res ? std::to_string(res->status) + " " + res->body
                      : httplib::to_string(res.error())));
          continue;
        }
        Json body = Json::parse(res->body);
        auto cert = tls::Certificate::FromPem(body["cert"].get<std::string>());
        if (!cert.ok()) Die(cert.status().ToString());
        loads[i].cert = *cert;
      }
    });
  }
  for (auto& w : workers) w.join();
  workers.clear();
  if (failures > 0) Die("enrolment failed");

  // Push: client thread t owns PCs t, t+clients, ...; it sends round b of
  // each of its PCs before round b+1 (as PCs syncing on a timer), so a PC's
  // batches arrive in order; all client threads at once, a PC's batches
  // alternating between the servers.
  std::atomic<uint64_t> events{0};
  Clock::time_point start = Clock::now();
  for (size_t t = 0; t < options.clients; ++t) {
    workers.emplace_back([&, t] {
      for (size_t round = 0; round < options.batches; ++round) {
        for (size_t pc = t; pc < loads.size(); pc += options.clients) {
          auto res =
              Client(ports[(pc + round) % ports.size()], ca_path, &loads[pc])
                  ->Post("/api/v1/journal", loads[pc].batches[round],
                         "application/json");
          if (res && res->status == 200) {
            events += options.batch_size;
            continue;
          }
          ++failures;
          report("push " + loads[pc].id + " round " + std::to_string(round) +
                 ": " +
                 (res ? std::to_string(res->status) + " " + res->body
                      : httplib::to_string(res.error())));
        }
      }
    });
  }
  for (auto& w : workers) w.join();
  RunResult result;
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  result.events = events;
  result.failures = failures;
  return result;
}

// After the pushes: every PC acknowledged at its last seq, every event
// stored once, no incident.
bool Check(OfficeStore& store, const std::vector<PcLoad>& loads,
           const Options& options) {
  auto pcs = store.ListPcs();
  if (!pcs.ok()) Die(pcs.status().ToString());
  std::map<std::string, const PcSummary*> by_id;
  for (const PcSummary& pc : *pcs) by_id[pc.pc] = &pc;
  bool ok = true;
  for (const PcLoad& load : loads) {
    auto it = by_id.find(load.id);
    if (it == by_id.end() || it->second->acked_seq != load.last_seq ||
        it->second->journal_failed) {
      std::fprintf(stderr, "check: %s: not acknowledged at %llu\n",
                   load.id.c_str(),
                   static_cast<unsigned long long>(load.last_seq));  // NOLINT
      ok = false;
    }
  }
  EventFilter all;
  all.limit = 0;
  auto events = store.ListEvents(all);
  auto incidents = store.ListIncidents(true);
  if (!events.ok() || !incidents.ok()) Die("check: cannot read the store");
  uint64_t expected = loads.size() * options.batches * options.batch_size;
  std::printf(
      "check: %zu PCs acknowledged, %llu events stored (expected at "
      "least %llu), %zu incidents\n",
      loads.size(), static_cast<unsigned long long>(events->total),  // NOLINT
      static_cast<unsigned long long>(expected),                     // NOLINT
      incidents->size());
  return ok && events->total >= expected && incidents->empty();
}

int Main(const Options& options) {
  std::filesystem::path tmp = std::filesystem::temp_directory_path() /
                              ("piiguard-office-bench-" + testing::MustHex(4));
  std::filesystem::create_directories(tmp);
  std::string ca_path;
  std::vector<int> ports;
  std::optional<Ed25519PrivateKey> city;
  std::string pin;
  std::unique_ptr<OfficeStore> store;
  std::unique_ptr<OfficeServer> server;
  std::thread server_thread;

  if (!options.ports.empty()) {
    auto key_pem = ReadFileBytes(options.city_key, 1 << 20);
    if (!key_pem.ok()) Die(key_pem.status().ToString());
    auto key = Ed25519PrivateKey::FromPem(*key_pem);
    if (!key.ok()) Die(key.status().ToString());
    city = *key;
    auto server_pem = ReadFileBytes(options.dir + "/server.crt", 1 << 20);
    if (!server_pem.ok()) Die(server_pem.status().ToString());
    pin = tls::Certificate::FromPem(*server_pem)->SpkiSha256Hex();
    ca_path = options.dir + "/ca.crt";
    std::stringstream list(options.ports);
    for (std::string port; std::getline(list, port, ',');) {
      ports.push_back(std::stoi(port));
    }
  } else {
    city = Ed25519PrivateKey::Generate().value();
    auto ca_key = tls::EcPrivateKey::Generate().value();
    int64_t now = NowMs() / 1000;
    tls::CertSpec spec{
        "bench CA", tls::CertUsage::kCa, now - 60, now + 86400, {}, {}};
    auto ca = tls::CreateSelfSignedCa(ca_key, spec).value();
    auto server_key = tls::EcPrivateKey::Generate().value();
    tls::CertSpec server_spec{"localhost",   tls::CertUsage::kServer,
                              now - 60,      now + 86400,
                              {"localhost"}, {"127.0.0.1"}};
    auto server_cert =
        tls::IssueCertificate(ca, ca_key, server_key.PublicKey(), server_spec)
            .value();
    pin = server_cert.SpkiSha256Hex();
    ca_path = (tmp / "ca.crt").string();
    if (!WriteFileAtomic(ca_path, ca.ToPem(), 0644).ok()) Die("write ca");
    auto opened =
        options.pg.empty()
            ? OfficeStore::OpenSqlite((tmp / "office.db").string())
            : OfficeStore::OpenPostgres(options.pg, options.pg_connections);
    if (!opened.ok()) Die(opened.status().ToString());
    store = std::move(opened).value();
    ServerConfig config{.host = "127.0.0.1",
                        .port = 0,
                        .threads = options.server_threads,
                        .server_cert = server_cert,
                        .server_key = server_key,
                        .ca_cert = ca,
                        .log = {}};
    auto created = OfficeServer::Create(
        config, *store, EnrolConfig{city->PublicKey(), ca, ca_key, pin},
        os::SystemClock());
    if (!created.ok()) Die(created.status().ToString());
    server = std::move(created).value();
    auto port = server->Bind();
    if (!port.ok()) Die(port.status().ToString());
    ports.push_back(*port);
    server_thread = std::thread([&] { server->Run().IgnoreError(); });
  }

  std::fprintf(stderr, "preparing %zu PCs x %zu batches x %zu events...\n",
               options.pcs, options.batches, options.batch_size);
  std::vector<PcLoad> loads = MakeLoad(options, *city, pin);
  RunResult result = Run(options, loads, ports, ca_path);
  std::printf(
      "office ingest: engine=%s pcs=%zu batches/pc=%zu batch=%zu clients=%zu "
      "server_threads=%zu servers=%zu: %llu events in %.3f s = %.0f events/s "
      "(%llu failures)\n",
      options.ports.empty() ? (options.pg.empty() ? "sqlite" : "postgresql")
                            : "external",
      options.pcs, options.batches, options.batch_size, options.clients,
      options.server_threads, ports.size(),
      static_cast<unsigned long long>(result.events),  // NOLINT
      result.seconds, static_cast<double>(result.events) / result.seconds,
      static_cast<unsigned long long>(result.failures));  // NOLINT
  bool ok = result.failures == 0;
  if (store) ok = Check(*store, loads, options) && ok;
  if (!options.check_pg.empty() || !options.check_db.empty()) {
    auto checked = options.check_pg.empty()
                       ? OfficeStore::OpenSqlite(options.check_db)
                       : OfficeStore::OpenPostgres(options.check_pg, 1);
    if (!checked.ok()) Die(checked.status().ToString());
    ok = Check(**checked, loads, options) && ok;
  }
  if (server) server->Stop();
  if (server_thread.joinable()) server_thread.join();
  std::error_code ignored;
  std::filesystem::remove_all(tmp, ignored);
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace piiguard::office

int main(int argc, char** argv) {
  piiguard::office::Options options;
  CLI::App app{"office ingest benchmark over real TLS on loopback"};
  app.add_option("--pcs", options.pcs, "simulated PCs");
  app.add_option("--batches", options.batches, "batches per PC");
  app.add_option("--batch-size", options.batch_size, "events per batch");
  app.add_option("--clients", options.clients, "client threads");
  app.add_option("--server-threads", options.server_threads,
                 "server request threads (in-process server)");
  app.add_option("--pg", options.pg, "PostgreSQL conninfo (else sqlite)");
  app.add_option("--pg-connections", options.pg_connections,
                 "PostgreSQL connections of the in-process server");
  app.add_option("--dir", options.dir, "office directory (external servers)");
  app.add_option("--city-key", options.city_key,
                 "city private key (external servers)");
  app.add_option("--ports", options.ports, "external servers' ports, P1,P2");
  app.add_option("--check-pg", options.check_pg,
                 "afterwards, check the PostgreSQL store");
  app.add_option("--check-db", options.check_db,
                 "afterwards, check the sqlite store");
  CLI11_PARSE(app, argc, argv);
  if (options.batch_size < 2 || options.batches < 1 || options.pcs < 1 ||
      options.clients < 1) {
    std::fprintf(stderr, "office_ingest_bench: bad sizes\n");
    return 2;
  }
  return piiguard::office::Main(options);
}
