// piiguard-office: the privacy office server and its administration.
//   init      the office CA, the server key and certificate, the pin
//   serve     the HTTPS API (enrol, journal, policy) and the review pages
//   policy publish, user add|set, incident clear, status request
//   quarantine key|pub|open|show   the quarantine key and quarantined files
//                                  (quarantine_commands.cc)
//   scan verify REPORT             a PC's `piiguard scan` report against its
//                                  enrolled device key (scan_commands.cc)
//   import-issued FILE             the IT desk's ledger export of exception
//                                  codes (issued_commands.cc)
//   exception publish FILE         a signed exception file queued for its
//                                  PC's sync (exception_commands.cc)
// Exit codes: 0 done, 1 refused (a verification said no), 2 error.

#include <pthread.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/cli_tool.h"
#include "common/crypto.h"
#include "common/file_util.h"
#include "common/messages.h"
#include "common/os/clock.h"
#include "common/tls/tls.h"
#include "office/exception_commands.h"
#include "office/exception_signer.h"
#include "office/issued_commands.h"
#include "office/pages/password.h"
#include "office/pages/review_pages.h"
#include "office/quarantine_commands.h"
#include "office/scan_commands.h"
#include "office/server.h"
#include "office/signer/log_line.h"
#include "office/signer/signer_client.h"
#include "office/signer/signer_commands.h"
#include "office/store.h"
#include "policy/policy_verify.h"

namespace piiguard::office {
namespace {

constexpr size_t kMaxFile = size_t{16} * 1024 * 1024;
constexpr int64_t kCaYears = 10;
constexpr int64_t kServerYears = 2;
constexpr int64_t kYear = int64_t{365} * 24 * 3600;

// Every log line, escaped at this one place (office/signer/log_line.h): a
// request's text cannot forge a second line.
std::mutex log_mutex;
void LogLine(const std::string& line) {
  const std::string text = LogLineText("piiguard-office", line);
  std::lock_guard<std::mutex> lock(log_mutex);
  (void)std::fwrite(text.data(), 1, text.size(), stderr);
}

struct Context {
  Lang lang = Lang::kEn;
  int Fail(const Status& status) const {
    std::cerr << Message(lang, MsgId::kError, {status.ToString()}) << "\n";
    return kExitError;
  }
};

std::string DirFile(const std::string& dir, const char* name) {
  return (std::filesystem::path(dir) / name).string();
}

// --db FILE | --pg CONNINFO, with DIR/office.db when neither is given.
struct StoreOptions {
  std::string dir;
  std::string db;
  std::string pg;
  size_t pg_connections = 8;

  void Add(CLI::App& cmd, bool dir_required) {
    auto* dir_opt = cmd.add_option("--dir", dir, "the office directory");
    if (dir_required) dir_opt->required();
    auto* db_opt =
        cmd.add_option("--db", db, "sqlite file (default DIR/office.db)");
    auto* pg_opt = cmd.add_option("--pg", pg,
                                  "PostgreSQL connection string (libpq), "
                                  "instead of sqlite");
    db_opt->excludes(pg_opt);
    cmd.add_option("--pg-connections", pg_connections,
                   "connections per process to PostgreSQL")
        ->check(CLI::Range(1, 256));
  }

  Result<std::unique_ptr<OfficeStore>> Open() const {
    if (!pg.empty()) return OfficeStore::OpenPostgres(pg, pg_connections);
    std::string path = db;
    if (path.empty()) {
      if (dir.empty()) {
        return InvalidArgumentError("piiguard-office", "store",
                                    "give --db, --pg or --dir");
      }
      path = DirFile(dir, "office.db");
    }
    return OfficeStore::OpenSqlite(path);
  }
};

Result<Ed25519PublicKey> LoadCityKey(const std::string& path) {
  PIIGUARD_ASSIGN_OR_RETURN(std::string pem, ReadFileBytes(path, kMaxFile));
  Result<Ed25519PublicKey> key = Ed25519PublicKey::FromPem(pem);
  if (!key.ok()) return key.status().Annotate(path);
  return key;
}

// The office's key material in DIR.
struct OfficeFiles {
  Ed25519PublicKey city_key;
  tls::Certificate ca_cert;
  tls::EcPrivateKey ca_key;
  tls::Certificate server_cert;
  tls::EcPrivateKey server_key;
};

Result<tls::EcPrivateKey> LoadPrivate(const std::string& path) {
  PIIGUARD_ASSIGN_OR_RETURN(std::string pem, ReadFileBytes(path, kMaxFile));
  Result<tls::EcPrivateKey> key = tls::EcPrivateKey::FromPem(pem);
  CleanseString(pem);
  if (!key.ok()) return key.status().Annotate(path);
  return key;
}

Result<tls::Certificate> LoadCert(const std::string& path) {
  PIIGUARD_ASSIGN_OR_RETURN(std::string pem, ReadFileBytes(path, kMaxFile));
  Result<tls::Certificate> cert = tls::Certificate::FromPem(pem);
  if (!cert.ok()) return cert.status().Annotate(path);
  return cert;
}

Result<OfficeFiles> LoadOffice(const std::string& dir) {
  PIIGUARD_ASSIGN_OR_RETURN(Ed25519PublicKey city,
                            LoadCityKey(DirFile(dir, "city.pub")));
  PIIGUARD_ASSIGN_OR_RETURN(tls::Certificate ca_cert,
                            LoadCert(DirFile(dir, "ca.crt")));
  PIIGUARD_ASSIGN_OR_RETURN(tls::EcPrivateKey ca_key,
                            LoadPrivate(DirFile(dir, "ca.key")));
  PIIGUARD_ASSIGN_OR_RETURN(tls::Certificate server_cert,
                            LoadCert(DirFile(dir, "server.crt")));
  PIIGUARD_ASSIGN_OR_RETURN(tls::EcPrivateKey server_key,
                            LoadPrivate(DirFile(dir, "server.key")));
  return OfficeFiles{city, ca_cert, ca_key, server_cert, server_key};
}

Status WritePrivate(const std::string& path, const tls::EcPrivateKey& key) {
  PIIGUARD_ASSIGN_OR_RETURN(std::string pem, key.ToPem());
  Status status = WriteFileAtomic(path, pem, 0600, Overwrite::kRefuse);
  CleanseString(pem);
  return status;
}

bool LooksLikeIp(const std::string& name) {
  return name.find_first_not_of("0123456789.") == std::string::npos ||
         name.find(':') != std::string::npos;
}

int Init(const Context& ctx, const std::string& dir,
         const std::string& city_pub, const std::string& name,
         const std::vector<std::string>& extra_ips) {
  Result<Ed25519PublicKey> city = LoadCityKey(city_pub);
  if (!city.ok()) return ctx.Fail(city.status());
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return ctx.Fail(IoError("init", dir, ec.message()));
  }
  for (const char* file : {"ca.key", "server.key", "ca.crt", "server.crt"}) {
    if (std::filesystem::exists(DirFile(dir, file))) {
      return ctx.Fail(FailedPreconditionError(
          "init", DirFile(dir, file), "exists: this office is already set up"));
    }
  }
  Result<tls::EcPrivateKey> ca_key = tls::EcPrivateKey::Generate();
  Result<tls::EcPrivateKey> server_key = tls::EcPrivateKey::Generate();
  if (!ca_key.ok()) return ctx.Fail(ca_key.status());
  if (!server_key.ok()) return ctx.Fail(server_key.status());
  int64_t now = os::SystemClock().WallSeconds();
  tls::CertSpec ca_spec;
  ca_spec.common_name = "piiguard office CA " + name.substr(0, 40);
  ca_spec.usage = tls::CertUsage::kCa;
  ca_spec.not_before = now - 300;
  ca_spec.not_after = now + kCaYears * kYear;
  Result<tls::Certificate> ca = tls::CreateSelfSignedCa(*ca_key, ca_spec);
  if (!ca.ok()) return ctx.Fail(ca.status());
  tls::CertSpec server_spec;
  server_spec.common_name = name;
  server_spec.usage = tls::CertUsage::kServer;
  server_spec.not_before = now - 300;
  server_spec.not_after = now + kServerYears * kYear;
  if (LooksLikeIp(name)) {
    server_spec.ip_addresses.push_back(name);
  } else {
    server_spec.dns_names.push_back(name);
  }
  if (name != "127.0.0.1") server_spec.ip_addresses.emplace_back("127.0.0.1");
  for (const std::string& ip : extra_ips)
    server_spec.ip_addresses.push_back(ip);
  Result<tls::Certificate> server =
      tls::IssueCertificate(*ca, *ca_key, server_key->PublicKey(), server_spec);
  if (!server.ok()) return ctx.Fail(server.status());

  for (const Status& status :
       {WriteFileAtomic(DirFile(dir, "city.pub"), city->ToPem(), 0644,
                        Overwrite::kAllow),
        WritePrivate(DirFile(dir, "ca.key"), *ca_key),
        WriteFileAtomic(DirFile(dir, "ca.crt"), ca->ToPem(), 0644,
                        Overwrite::kRefuse),
        WritePrivate(DirFile(dir, "server.key"), *server_key),
        WriteFileAtomic(DirFile(dir, "server.crt"), server->ToPem(), 0644,
                        Overwrite::kRefuse)}) {
    if (!status.ok()) return ctx.Fail(status);
  }
  std::cout << Message(ctx.lang, MsgId::kOfficeInitDone,
                       {dir, server->SpkiSha256Hex()})
            << "\n";
  std::cout << "pin: " << server->SpkiSha256Hex() << "\n";
  return kExitOk;
}

Result<std::pair<std::string, int>> ParseListen(const std::string& listen) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return InvalidArgumentError("serve", listen, "expected HOST:PORT");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  std::string port_text = listen.substr(colon + 1);
  int port = -1;
  try {
    size_t used = 0;
    port = std::stoi(port_text, &used);
    if (used != port_text.size()) port = -1;
  } catch (const std::exception&) {
    port = -1;
  }
  if (port < 0 || port > 65535) {
    return InvalidArgumentError("serve", listen, "bad port");
  }
  return std::pair{host, port};
}

// `signer`, if not null, signs the exception files permitted users issue
// from the review pages (office/exception_signer.h); null: issuing is off.
int Serve(const Context& ctx, const StoreOptions& store_options,
          const std::string& listen, size_t threads,
          ExceptionSigner* signer = nullptr) {
  Result<std::pair<std::string, int>> address = ParseListen(listen);
  if (!address.ok()) return ctx.Fail(address.status());
  Result<OfficeFiles> files = LoadOffice(store_options.dir);
  if (!files.ok()) return ctx.Fail(files.status());
  Result<std::unique_ptr<OfficeStore>> store = store_options.Open();
  if (!store.ok()) return ctx.Fail(store.status());

  // SIGINT/SIGTERM are taken by one thread (sigwait) that stops the server;
  // blocked here before any other thread exists so all inherit the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGUSR1);  // from Serve itself: the server ended
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  (void)std::signal(SIGPIPE, SIG_IGN);

  ServerConfig config{.host = address->first,
                      .port = address->second,
                      .threads = threads,
                      .server_cert = files->server_cert,
                      .server_key = files->server_key,
                      .ca_cert = files->ca_cert,
                      .log = LogLine};
  EnrolConfig enrol{files->city_key, files->ca_cert, files->ca_key,
                    files->server_cert.SpkiSha256Hex()};
  Result<std::unique_ptr<OfficeServer>> server =
      OfficeServer::Create(config, **store, enrol, os::SystemClock());
  if (!server.ok()) return ctx.Fail(server.status());
  PagesOptions pages;
  pages.log = LogLine;
  StoreExceptionPublisher publisher(**store, files->city_key);
  if (signer != nullptr) {
    pages.exception_signer = signer;
    pages.exception_publisher = &publisher;
  }
  RegisterReviewPages((*server)->http(), **store, pages);
  Result<int> port = (*server)->Bind();
  if (!port.ok()) return ctx.Fail(port.status());

  OfficeServer* raw = server->get();
  std::thread stopper([raw, signals] {
    int signal_number = 0;
    sigwait(&signals, &signal_number);
    if (signal_number != SIGUSR1) LogLine("serve: signal: stopping");
    raw->Stop();
  });
  (void)std::printf("listening on %s:%d\n", address->first.c_str(), *port);
  (void)std::fflush(stdout);
  LogLine(
      "serve: " + address->first + ":" + std::to_string(*port) +
      ": listening (" +
      ((*store)->dialect() == SqlDialect::kPostgres ? "postgresql" : "sqlite") +
      ")");
  Status run = (*server)->Run();
  // Wake the stopper if the server ended on its own.
  pthread_kill(stopper.native_handle(), SIGUSR1);
  stopper.join();
  if (!run.ok()) return ctx.Fail(run);
  return kExitOk;
}

int PublishPolicy(const Context& ctx, const StoreOptions& store_options,
                  const std::string& city_pub, const std::string& file) {
  std::string pub_path =
      city_pub.empty() ? DirFile(store_options.dir, "city.pub") : city_pub;
  Result<Ed25519PublicKey> city = LoadCityKey(pub_path);
  if (!city.ok()) return ctx.Fail(city.status());
  Result<std::string> bytes = ReadFileBytes(file, kMaxFile);
  if (!bytes.ok()) return ctx.Fail(bytes.status());
  std::vector<Ed25519PublicKey> trusted{*city};
  policy::PolicyVerdict verdict = policy::VerifySignedPolicy(
      *bytes, trusted, os::SystemClock().WallSeconds(), std::nullopt);
  if (!verdict.accepted()) {
    std::cerr << Message(ctx.lang, MsgId::kOfficePolicyRefused,
                         {policy::DescribePolicyVerdict(verdict, ctx.lang)})
              << "\n";
    return kExitRefused;
  }
  Result<std::unique_ptr<OfficeStore>> store = store_options.Open();
  if (!store.ok()) return ctx.Fail(store.status());
  Status published =
      (*store)->PublishPolicy(verdict.policy->version, *bytes, verdict.payload,
                              os::SystemClock().WallMs());
  if (published.code() == StatusCode::kFailedPrecondition) {
    std::cerr << Message(ctx.lang, MsgId::kOfficePolicyRefused,
                         {published.ToString()})
              << "\n";
    return kExitRefused;
  }
  if (!published.ok()) return ctx.Fail(published);
  std::cout << Message(ctx.lang, MsgId::kOfficePolicyPublished,
                       {std::to_string(verdict.policy->version)})
            << "\n";
  return kExitOk;
}

int AddUser(const Context& ctx, const StoreOptions& store_options,
            const std::string& name, bool may_issue_exceptions) {
  std::string password;
  if (!std::getline(std::cin, password)) {
    return ctx.Fail(
        InvalidArgumentError("user add", "stdin", "no password line"));
  }
  Result<OfficeUser> user = NewOfficeUser(name, password);
  CleanseString(password);
  if (!user.ok()) return ctx.Fail(user.status());
  user->may_issue_exceptions = may_issue_exceptions;
  Result<std::unique_ptr<OfficeStore>> store = store_options.Open();
  if (!store.ok()) return ctx.Fail(store.status());
  Status added = (*store)->AddUser(*user, os::SystemClock().WallMs());
  if (!added.ok()) return ctx.Fail(added);
  std::cout << Message(ctx.lang, MsgId::kOfficeUserAdded, {name}) << "\n";
  if (may_issue_exceptions) {
    LogLine("user add: " + name + ": may-issue-exceptions=yes");
    std::cout << Message(ctx.lang, MsgId::kOfficeUserMayIssue, {name}) << "\n";
  }
  return kExitOk;
}

int SetUser(const Context& ctx, const StoreOptions& store_options,
            const std::string& name, bool may_issue_exceptions) {
  Result<std::unique_ptr<OfficeStore>> store = store_options.Open();
  if (!store.ok()) return ctx.Fail(store.status());
  Status set = (*store)->SetUserMayIssueExceptions(name, may_issue_exceptions);
  if (!set.ok()) return ctx.Fail(set);
  // A record of who may issue, beside the server's own log lines.
  LogLine("user set: " + name +
          ": may-issue-exceptions=" + (may_issue_exceptions ? "yes" : "no"));
  std::cout << Message(ctx.lang,
                       may_issue_exceptions ? MsgId::kOfficeUserMayIssue
                                            : MsgId::kOfficeUserMayNotIssue,
                       {name})
            << "\n";
  return kExitOk;
}

int ClearIncidents(const Context& ctx, const StoreOptions& store_options,
                   const std::string& pc) {
  Result<std::unique_ptr<OfficeStore>> store = store_options.Open();
  if (!store.ok()) return ctx.Fail(store.status());
  Result<uint64_t> cleared =
      (*store)->ClearIncidents(pc, os::SystemClock().WallMs());
  if (!cleared.ok()) return ctx.Fail(cleared.status());
  std::cout << Message(ctx.lang, MsgId::kOfficeIncidentsCleared,
                       {pc, std::to_string(*cleared)})
            << "\n";
  return kExitOk;
}

int RequestStatus(const Context& ctx, const StoreOptions& store_options,
                  const std::string& pc, const std::string& by) {
  Result<std::unique_ptr<OfficeStore>> store = store_options.Open();
  if (!store.ok()) return ctx.Fail(store.status());
  Result<StatusRequest> request =
      (*store)->RequestStatusReport(pc, by, os::SystemClock().WallMs());
  if (!request.ok()) return ctx.Fail(request.status());
  std::cout << Message(ctx.lang, MsgId::kOfficeStatusRequested,
                       {pc, request->id})
            << "\n";
  return kExitOk;
}

}  // namespace
}  // namespace piiguard::office

int main(int argc, char** argv) {
  using piiguard::office::StoreOptions;
  namespace office = piiguard::office;
  office::Context ctx;
  ctx.lang = piiguard::LangFromEnvironment();
  CLI::App app{
      "piiguard-office: the privacy office server "
      "(個人情報保護担当のサーバー)"};
  app.require_subcommand(1);
  std::function<int()> run;
  office::AddQuarantineCommands(app, ctx.lang, run);
  office::AddScanCommands(app, ctx.lang, run);
  office::AddIssuedCommands(app, ctx.lang, run);
  office::AddExceptionCommands(app, ctx.lang, run);
  office::signer::AddSignerCommands(app, ctx.lang, run);

  std::string dir;
  std::string city_pub;
  std::string name;
  std::vector<std::string> ips;
  auto* init = app.add_subcommand(
      "init",
      "make the office CA, the server key and certificate; print the pin");
  init->add_option("--dir", dir, "the office directory")->required();
  init->add_option("--city-pub", city_pub, "the city's public key")->required();
  init->add_option("--name", name, "the server's host name (or IP address)")
      ->required();
  init->add_option("--ip", ips, "more IP addresses for the certificate");
  init->callback([&] {
    run = [&] { return office::Init(ctx, dir, city_pub, name, ips); };
  });

  StoreOptions serve_store;
  std::string listen = "127.0.0.1:8443";
  size_t threads = 32;
  std::string signer_socket(office::signer::kDefaultSocketPath);
  auto* serve = app.add_subcommand("serve", "serve the API and review pages");
  serve_store.Add(*serve, true);
  serve->add_option("--listen", listen, "HOST:PORT (port 0: any free port)");
  serve->add_option("--threads", threads, "request threads")
      ->check(CLI::Range(1, 4096));
  serve->add_option("--signer-socket", signer_socket,
                    "the exception signer's socket (docs/office-signer.md); "
                    "empty: issuing from the review pages is off");
  serve->callback([&] {
    run = [&] {
      if (signer_socket.empty()) {
        return office::Serve(ctx, serve_store, listen, threads);
      }
      office::signer::SignerClientOptions options;
      options.socket_path = signer_socket;
      office::signer::SocketExceptionSigner signer(options);
      return office::Serve(ctx, serve_store, listen, threads, &signer);
    };
  });

  StoreOptions policy_store;
  std::string policy_file;
  std::string policy_pub;
  auto* policy = app.add_subcommand("policy", "publish signed policies");
  policy->require_subcommand(1);
  auto* publish = policy->add_subcommand(
      "publish", "verify a signed policy with the city key, then publish it");
  policy_store.Add(*publish, false);
  publish->add_option("--city-pub", policy_pub,
                      "the city's public key (default DIR/city.pub)");
  publish->add_option("file", policy_file, "the signed policy")->required();
  publish->callback([&] {
    run = [&] {
      return office::PublishPolicy(ctx, policy_store, policy_pub, policy_file);
    };
  });

  StoreOptions user_store;
  std::string user_name;
  bool may_issue = false;
  std::string may_issue_text;
  auto* user = app.add_subcommand("user", "review page users");
  user->require_subcommand(1);
  auto* user_add = user->add_subcommand(
      "add", "add a user; the password is read from stdin");
  user_store.Add(*user_add, false);
  user_add->add_option("name", user_name, "the login name")->required();
  user_add->add_flag("--may-issue-exceptions", may_issue,
                     "may issue signed exception files from the review pages");
  user_add->callback([&] {
    run = [&] {
      return office::AddUser(ctx, user_store, user_name, may_issue);
    };
  });
  auto* user_set = user->add_subcommand("set", "change a user's permissions");
  user_store.Add(*user_set, false);
  user_set->add_option("name", user_name, "the login name")->required();
  user_set
      ->add_option("--may-issue-exceptions", may_issue_text,
                   "yes or no: may issue and withdraw signed exception files "
                   "from the review pages")
      ->required()
      ->check(CLI::IsMember({"yes", "no"}));
  user_set->callback([&] {
    run = [&] {
      return office::SetUser(ctx, user_store, user_name,
                             may_issue_text == "yes");
    };
  });

  StoreOptions incident_store;
  std::string incident_pc;
  auto* incident = app.add_subcommand("incident", "incidents");
  incident->require_subcommand(1);
  auto* clear = incident->add_subcommand(
      "clear", "mark a PC's incidents as dealt with and lift its flag");
  incident_store.Add(*clear, false);
  clear->add_option("pc", incident_pc, "the PC id")->required();
  clear->callback([&] {
    run = [&] {
      return office::ClearIncidents(ctx, incident_store, incident_pc);
    };
  });

  StoreOptions status_store;
  std::string status_pc;
  std::string status_by = "cli";
  auto* status = app.add_subcommand("status", "status reports (R8)");
  status->require_subcommand(1);
  auto* request = status->add_subcommand(
      "request", "ask a PC for a signed status report at its next sync");
  status_store.Add(*request, false);
  request->add_option("pc", status_pc, "the PC id")->required();
  request->add_option("--by", status_by, "who asks");
  request->callback([&] {
    run = [&] {
      return office::RequestStatus(ctx, status_store, status_pc, status_by);
    };
  });

  return piiguard::RunCli(app, run, argc, argv);
}
