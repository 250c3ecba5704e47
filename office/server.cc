#include "office/server.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <charconv>
#include <optional>
#include <string>
#include <utility>

#include "common/exception_delivery.h"
#include "common/journal/batch.h"
#include "common/json.h"

namespace piiguard::office {
namespace {

constexpr std::string_view kJson = "application/json";

void Reply(httplib::Response& res, const ApiAnswer& answer) {
  res.status = answer.http_status;
  res.set_content(answer.body.dump(), std::string(kJson));
}

ApiAnswer Refuse(int status, std::string_view code, std::string reason) {
  ApiAnswer answer;
  answer.http_status = status;
  answer.error = code;
  answer.reason = std::move(reason);
  answer.body = Json{{"error", answer.error}, {"reason", answer.reason}};
  return answer;
}

// The PC behind a request: a client certificate the TLS layer verified
// against the office CA. Fails closed on anything else.
Result<ClientIdentity> ClientOf(const httplib::Request& req) {
  if (req.ssl == nullptr) {
    return UnauthenticatedError("api", "client", "not over TLS");
  }
  X509* peer = SSL_get0_peer_certificate(req.ssl);
  if (peer == nullptr) {
    return UnauthenticatedError("api", "client", "no client certificate");
  }
  long verdict = SSL_get_verify_result(req.ssl);  // NOLINT(google-runtime-int)
  if (verdict != X509_V_OK) {
    return UnauthenticatedError("api", "client certificate",
                                X509_verify_cert_error_string(verdict));
  }
  tls::Certificate cert = tls::Certificate::FromX509(peer);
  PIIGUARD_ASSIGN_OR_RETURN(std::string cn, cert.CommonName());
  return ClientIdentity{cn, cert.SerialHex()};
}

}  // namespace

class OfficeServer::Impl {
 public:
  Impl(ServerConfig config, OfficeStore& store, EnrolConfig enrol,
       const os::Clock& clock)
      : config_(std::move(config)),
        store_(store),
        clock_(clock),
        ingestor_(store, clock),
        enroller_(store, std::move(enrol), clock) {}

  Status Init() {
    const tls::Certificate& cert = config_.server_cert;
    const tls::EcPrivateKey& key = config_.server_key;
    const tls::Certificate& ca = config_.ca_cert;
    server_ = std::make_unique<httplib::SSLServer>([&](SSL_CTX& ctx) {
      SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
      SSL_CTX_set_options(&ctx,
                          SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
      if (SSL_CTX_use_certificate(&ctx, cert.get()) != 1 ||
          SSL_CTX_use_PrivateKey(&ctx, key.get()) != 1 ||
          SSL_CTX_check_private_key(&ctx) != 1) {
        return false;
      }
      // Client certificates: only the office CA, only for TLS clients.
      X509_STORE* store = SSL_CTX_get_cert_store(&ctx);
      if (store == nullptr || X509_STORE_add_cert(store, ca.get()) != 1) {
        return false;
      }
      STACK_OF(X509_NAME)* names = sk_X509_NAME_new_null();
      X509_NAME* name = X509_NAME_dup(X509_get_subject_name(ca.get()));
      if (names == nullptr || name == nullptr ||
          sk_X509_NAME_push(names, name) == 0) {
        X509_NAME_free(name);
        sk_X509_NAME_pop_free(names, X509_NAME_free);
        return false;
      }
      SSL_CTX_set_client_CA_list(&ctx, names);  // takes ownership
      SSL_CTX_set_purpose(&ctx, X509_PURPOSE_SSL_CLIENT);
      SSL_CTX_set_verify_depth(&ctx, 2);
      // Asked for, not required (enrolment has none yet); a certificate
      // that is sent and does not verify fails the handshake.
      SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER, nullptr);
      // With client certificates asked for, OpenSSL refuses to resume a
      // session (a browser's next connection) with an internal-error alert
      // unless the sessions are tied to a context: browsers showed
      // ERR_SSL_PROTOCOL_ERROR now and then. A resumed session keeps the
      // client certificate it was made with.
      static constexpr unsigned char kSessionContext[] = "piiguard-office";
      return SSL_CTX_set_session_id_context(&ctx, kSessionContext,
                                            sizeof kSessionContext - 1) == 1;
    });
    if (!server_->is_valid()) {
      return InternalError("office server", "TLS", "cannot set up SSL_CTX");
    }
    size_t threads = config_.threads == 0 ? 1 : config_.threads;
    server_->new_task_queue = [threads] {
      return new httplib::ThreadPool(threads);
    };
    server_->set_tcp_nodelay(true);
    server_->set_payload_max_length(journal::kMaxBatchBytes);
    server_->set_read_timeout(config_.read_timeout_seconds, 0);
    server_->set_write_timeout(config_.write_timeout_seconds, 0);
    server_->set_keep_alive_max_count(1000);
    server_->set_keep_alive_timeout(5);

    server_->Post("/api/v1/enrol",
                  [this](const httplib::Request& req, httplib::Response& res) {
                    ApiAnswer answer = enroller_.Enrol(req.body);
                    Log("enrol", req.remote_addr, answer);
                    Reply(res, answer);
                  });
    server_->Post("/api/v1/journal", [this](const httplib::Request& req,
                                            httplib::Response& res) {
      Result<ClientIdentity> client = ClientOf(req);
      ApiAnswer answer =
          client.ok() ? ingestor_.Ingest(*client, req.body)
                      : Refuse(403, "not_enrolled", client.status().ToString());
      Log("ingest", client.ok() ? client->pc : req.remote_addr, answer);
      Reply(res, answer);
    });
    server_->Get("/healthz", [this](const httplib::Request& /*req*/,
                                    httplib::Response& res) { Health(res); });
    server_->Get("/api/v1/policy",
                 [this](const httplib::Request& req, httplib::Response& res) {
                   Policy(req, res);
                 });
    server_->Get("/api/v1/exceptions",
                 [this](const httplib::Request& req, httplib::Response& res) {
                   Exceptions(req, res);
                 });
    return Status::Ok();
  }

  // GET /healthz, for a load balancer or a monitor: no login, no client
  // certificate, nothing about PCs or events. 200 when the store answers
  // one small read (the newest policy's row), else 503 with the reason.
  void Health(httplib::Response& res) const {
    Result<std::optional<PolicyRecord>> probe = store_.NewestPolicy();
    Json body;
    if (probe.ok()) {
      res.status = 200;
      body = Json{{"status", "ok"}, {"db", "ok"}};
    } else {
      res.status = 503;
      body = Json{{"status", "unavailable"},
                  {"db", "error"},
                  {"reason", probe.status().ToString()}};
      if (config_.log) {
        config_.log("healthz: store: " + probe.status().ToString());
      }
    }
    res.set_header("Cache-Control", "no-store");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_content(body.dump(), std::string(kJson));
  }

  // The enrolled PC behind the request (its current certificate), or the
  // refusal already answered.
  std::optional<ClientIdentity> EnrolledClient(const httplib::Request& req,
                                               httplib::Response& res,
                                               std::string_view context) {
    Result<ClientIdentity> client = ClientOf(req);
    if (!client.ok()) {
      ApiAnswer answer =
          Refuse(403, "not_enrolled", client.status().ToString());
      Log(context, req.remote_addr, answer);
      Reply(res, answer);
      return std::nullopt;
    }
    Result<PcRecord> pc = store_.GetPc(client->pc);
    if (!pc.ok() || pc->cert_serial != client->cert_serial) {
      ApiAnswer answer =
          Refuse(403, "not_enrolled",
                 ErrorMessage(context, client->pc, "not enrolled"));
      Log(context, client->pc, answer);
      Reply(res, answer);
      return std::nullopt;
    }
    return *std::move(client);
  }

  // GET /api/v1/exceptions: this PC's queued exception files still within
  // their redeem_by and not yet settled (docs/sync.md). The PC is the
  // certificate's: no parameter names another.
  void Exceptions(const httplib::Request& req, httplib::Response& res) {
    std::optional<ClientIdentity> client =
        EnrolledClient(req, res, "exceptions");
    if (!client) return;
    Result<std::vector<QueuedException>> queued =
        store_.PendingExceptionFiles(client->pc, clock_.WallMs());
    ExceptionDelivery delivery;
    if (queued.ok()) {
      for (QueuedException& file : *queued) {
        delivery.files.push_back(std::move(file.file));
      }
    }
    Result<std::string> body = queued.ok()
                                   ? SerializeExceptionDelivery(delivery)
                                   : Result<std::string>(queued.status());
    if (!body.ok()) {
      ApiAnswer answer = Refuse(500, "internal", "office error");
      answer.reason = body.status().ToString();
      Log("exceptions", client->pc, answer);
      return Reply(res, answer);
    }
    res.status = 200;
    res.set_header("Cache-Control", "no-store");
    res.set_content(*body, std::string(kJson));
  }

  void Policy(const httplib::Request& req, httplib::Response& res) {
    std::optional<ClientIdentity> client = EnrolledClient(req, res, "policy");
    if (!client) return;
    int64_t have = 0;
    if (req.has_param("have")) {
      std::string text = req.get_param_value("have");
      auto [ptr, ec] =
          std::from_chars(text.data(), text.data() + text.size(), have);
      if (ec != std::errc() || ptr != text.data() + text.size() || have < 0) {
        return Reply(res, Refuse(400, "malformed",
                                 ErrorMessage("policy", "have",
                                              "not a non-negative integer")));
      }
    }
    Result<std::optional<PolicyRecord>> newest = store_.NewestPolicy();
    if (!newest.ok()) {
      ApiAnswer answer = Refuse(500, "internal", "office error");
      answer.reason = newest.status().ToString();
      Log("policy", client->pc, answer);
      return Reply(res, answer);
    }
    if (!newest->has_value() || (*newest)->version <= have) {
      res.status = 204;
      return;
    }
    res.status = 200;
    res.set_content((*newest)->envelope, "application/octet-stream");
  }

  void Log(std::string_view context, std::string_view who,
           const ApiAnswer& answer) const {
    if (!config_.log) return;
    std::string line;
    if (answer.error.empty()) {
      line = std::string(context) + ": " + std::string(who) + ": accepted";
      if (context == "ingest") {
        line += " " + std::to_string(answer.new_entries) + " entries, acked " +
                answer.body.value("acked_seq", Json(0)).dump();
      }
      if (!answer.reason.empty()) line += " (" + answer.reason + ")";
    } else {
      line = std::string(context) + ": " + std::string(who) + ": refused " +
             answer.error + (answer.incident ? " (INCIDENT)" : "") + ": " +
             answer.reason;
    }
    config_.log(line);
  }

  ServerConfig config_;
  OfficeStore& store_;
  const os::Clock& clock_;
  Ingestor ingestor_;
  Enroller enroller_;
  std::unique_ptr<httplib::SSLServer> server_;
  bool bound_ = false;
};

OfficeServer::OfficeServer(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}
OfficeServer::~OfficeServer() { Stop(); }

Result<std::unique_ptr<OfficeServer>> OfficeServer::Create(
    ServerConfig config, OfficeStore& store, EnrolConfig enrol,
    const os::Clock& clock) {
  auto impl =
      std::make_unique<Impl>(std::move(config), store, std::move(enrol), clock);
  PIIGUARD_RETURN_IF_ERROR(impl->Init());
  return std::unique_ptr<OfficeServer>(new OfficeServer(std::move(impl)));
}

httplib::Server& OfficeServer::http() { return *impl_->server_; }

Result<int> OfficeServer::Bind() {
  const ServerConfig& config = impl_->config_;
  int port = config.port;
  if (port == 0) {
    port = impl_->server_->bind_to_any_port(config.host);
    if (port <= 0) {
      return IoError("office server", config.host, "cannot bind a port");
    }
  } else if (!impl_->server_->bind_to_port(config.host, port)) {
    return IoError("office server", config.host + ":" + std::to_string(port),
                   "cannot bind (in use, or not an address of this host)");
  }
  impl_->bound_ = true;
  return port;
}

Status OfficeServer::Run() {
  if (!impl_->bound_) {
    return FailedPreconditionError("office server", "run", "not bound");
  }
  if (!impl_->server_->listen_after_bind()) {
    return IoError("office server", "listen", "the server stopped on error");
  }
  return Status::Ok();
}

void OfficeServer::Stop() {
  if (impl_ && impl_->server_) impl_->server_->stop();
}

}  // namespace piiguard::office
