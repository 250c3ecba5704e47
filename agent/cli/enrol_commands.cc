// piiguard enrol --token FILE: enrols this PC with the privacy office
// (docs/sync.md "Enrolment"), as root. Makes the device key if missing and a
// new TLS key (root's, in tls/ 0700: piiguardd hands it to the sync process),
// proves both to the office over TLS pinned to the token's office key,
// stores the certificate, the CA and the office's URL and pin, and journals
// enrolment.done.
//
// If piiguardd is running, the journal is the daemon's: the chain is asked
// from it and enrolment.done is journaled by it (root-only requests
// enrol_info / enrolled), and it wakes its sync process. Otherwise this
// command opens the journal itself (creating it if needed).

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <ostream>

#include "agent/cli/tool.h"
#include "agent/ipc/ipc.h"
#include "agent/journal/journal.h"
#include "agent/state/state_dir.h"
#include "agent/sync/https_transport.h"
#include "common/encoding.h"
#include "common/file_util.h"
#include "common/journal/event_types.h"
#include "common/json.h"
#include "common/os/clock.h"
#include "common/signed_envelope.h"
#include "common/tls/enrolment.h"
#include "common/tls/tls.h"

namespace piiguard::cli {
namespace {

struct EnrolArgs {
  std::string token;
  std::string state_dir = std::string(agent::kDefaultStateDir);
  std::string socket = std::string(ipc::kDefaultSocketPath);
};

Result<std::string> Enrol(const EnrolArgs& args) {
  if (::geteuid() != 0) {
    return FailedPreconditionError("enrol", "user", "must run as root");
  }
  PIIGUARD_ASSIGN_OR_RETURN(std::string token_text,
                            ReadFileBytes(args.token, size_t{64} * 1024));
  PIIGUARD_ASSIGN_OR_RETURN(SignedEnvelope envelope,
                            ParseSignedEnvelope(token_text));
  if (envelope.type != tls::kEnrolmentTokenType) {
    return InvalidArgumentError("enrol", args.token, "not an enrolment token");
  }
  PIIGUARD_ASSIGN_OR_RETURN(tls::EnrolmentToken token,
                            tls::ParseEnrolmentTokenPayload(envelope.payload));
  if (token.expires_ms <= os::SystemClock().WallMs()) {
    return FailedPreconditionError("enrol", args.token, "token expired");
  }
  agent::StatePaths paths(args.state_dir);
  PIIGUARD_RETURN_IF_ERROR(agent::EnsureStateDir(paths));
  PIIGUARD_ASSIGN_OR_RETURN(Ed25519PrivateKey device_key,
                            agent::LoadOrCreateDeviceKey(paths));

  // The journal's chain: from the daemon if it runs, else from the file.
  ipc::Request info;
  info.op = ipc::Op::kEnrolInfo;
  Result<Json> daemon = ipc::Call(args.socket, info);
  std::string chain;
  std::unique_ptr<journal::Journal> journal;
  if (daemon.ok() && daemon->contains("chain") &&
      (*daemon)["chain"].is_string()) {
    chain = (*daemon)["chain"].get<std::string>();
  } else {
    PIIGUARD_ASSIGN_OR_RETURN(
        journal,
        journal::Journal::Open(paths.Journal(), device_key, os::SystemClock()));
    chain = journal->chain();
  }

  // The TLS key: new at every enrolment.
  PIIGUARD_RETURN_IF_ERROR(agent::EnsureTlsDir(paths));
  PIIGUARD_ASSIGN_OR_RETURN(tls::EcPrivateKey tls_key,
                            tls::EcPrivateKey::Generate());
  std::string tls_pub = tls_key.PublicKey().ToPem();
  PIIGUARD_ASSIGN_OR_RETURN(
      std::string proof,
      device_key.Sign(tls::EnrolProofInput(token.nonce, tls_pub, chain)));
  Json body = {{"token", token_text},
               {"device_key", device_key.PublicKey().ToPem()},
               {"tls_key", tls_pub},
               {"chain", chain},
               {"proof", Base64Encode(proof)}};

  PIIGUARD_ASSIGN_OR_RETURN(
      auto transport, sync::HttpsTransport::Create(
                          token.office_url, token.office_pin, std::nullopt));
  PIIGUARD_ASSIGN_OR_RETURN(sync::HttpAnswer http,
                            transport->Post("/api/v1/enrol", body.dump()));
  Json answer = Json::parse(http.body, nullptr, false);
  if (http.status != 200 || answer.is_discarded() || !answer.is_object()) {
    std::string reason = answer.is_object()
                             ? answer.value("reason", answer.value("error", ""))
                             : http.body.substr(0, 200);
    return FailedPreconditionError(
        "enrol", token.office_url,
        "refused (HTTP " + std::to_string(http.status) + "): " + reason);
  }
  if (!answer.contains("cert") || !answer["cert"].is_string() ||
      !answer.contains("ca") || !answer["ca"].is_string()) {
    return InvalidArgumentError("enrol", "office answer", "cert or ca missing");
  }
  PIIGUARD_ASSIGN_OR_RETURN(
      tls::Certificate cert,
      tls::Certificate::FromPem(answer["cert"].get<std::string>()));
  PIIGUARD_ASSIGN_OR_RETURN(
      tls::Certificate ca,
      tls::Certificate::FromPem(answer["ca"].get<std::string>()));
  PIIGUARD_ASSIGN_OR_RETURN(std::string cn, cert.CommonName());
  if (cn != token.pc ||
      cert.SpkiSha256Hex() != tls_key.PublicKey().SpkiSha256Hex()) {
    return UnauthenticatedError("enrol", "certificate",
                                "not issued for this PC's TLS key");
  }

  sync::SyncMaterial material;  // wipes the key's copy when it goes
  material.office = {token.pc, token.office_url, token.office_pin};
  material.client_cert_pem = cert.ToPem();
  material.ca_pem = ca.ToPem();
  PIIGUARD_ASSIGN_OR_RETURN(material.client_key_pem, tls_key.ToPem());
  PIIGUARD_RETURN_IF_ERROR(agent::StoreSyncMaterial(paths, material));

  if (journal) {
    journal::Event event;
    event.type = journal::types::kEnrolmentDone;
    event.severity = journal::Severity::kNotice;
    event.subject = "office";
    event.details = Json{{"pc", token.pc}, {"office_url", token.office_url}};
    PIIGUARD_RETURN_IF_ERROR(journal->Append(event).status());
  } else {
    ipc::Request done;
    done.op = ipc::Op::kEnrolled;
    done.pc = token.pc;
    done.office_url = token.office_url;
    PIIGUARD_RETURN_IF_ERROR(ipc::Call(args.socket, done).status());
  }
  return token.pc + "\n" + token.office_url;
}

}  // namespace

void AddEnrolCommands(CLI::App& app, Tool& tool) {
  auto args = std::make_shared<EnrolArgs>();
  CLI::App* enrol = app.add_subcommand(
      "enrol", "enrol this PC with the privacy office (端末登録; root)");
  enrol
      ->add_option("--token", args->token,
                   "the token from `piiguard-admin enrol`")
      ->required();
  enrol->add_option("--state-dir", args->state_dir,
                    "state directory (default /var/lib/piiguard)");
  enrol->add_option("--socket", args->socket,
                    "the agent's socket (default /run/piiguard/agent.sock)");
  enrol->callback([&tool, args] {
    tool.run = [&tool, args] {
      Result<std::string> done = Enrol(*args);
      if (!done.ok()) return tool.Fail(done.status());
      std::string pc = done->substr(0, done->find('\n'));
      std::string url = done->substr(done->find('\n') + 1);
      *tool.out << Message(tool.lang, MsgId::kEnrolDone, {pc, url}) << "\n";
      return kExitOk;
    };
  });
}

}  // namespace piiguard::cli
