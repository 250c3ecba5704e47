// piiguard-admin enrol: the one-time enrolment token for one PC
// (docs/sync.md "Enrolment"): a signed envelope of type enrolment-token by
// the city key, naming the PC, the office's URL and its pinned TLS key.

#include <CLI/CLI.hpp>
#include <ctime>
#include <memory>
#include <ostream>
#include <string>

#include "common/crypto.h"
#include "common/encoding.h"
#include "common/file_util.h"
#include "common/signed_envelope.h"
#include "common/tls/enrolment.h"
#include "policy/admin/tool.h"

namespace piiguard::admin {
namespace {

struct EnrolArgs {
  std::string key;
  std::string pc;
  std::string office_url;
  std::string office_pin;
  std::string consignee;
  std::string expires = "7d";
  std::string out;
};

// "7d", "12h", "30m": a lifetime from now; at most 90 days (a token lying
// around for longer is a risk, and enrolment happens when the PC is set up).
Result<int64_t> ParseLifetimeSeconds(const std::string& text) {
  constexpr int64_t kMaxSeconds = int64_t{90} * 86400;
  if (text.size() < 2 || text.size() > 6) {
    return InvalidArgumentError("enrol", "--expires",
                                "expected a number and d, h or m (e.g. 7d)");
  }
  int64_t number = 0;
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') {
      return InvalidArgumentError("enrol", "--expires",
                                  "expected a number and d, h or m (e.g. 7d)");
    }
    number = number * 10 + (text[i] - '0');
  }
  int64_t unit = 0;
  switch (text.back()) {
    case 'd':
      unit = 86400;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'm':
      unit = 60;
      break;
    default:
      return InvalidArgumentError("enrol", "--expires",
                                  "expected a number and d, h or m (e.g. 7d)");
  }
  int64_t seconds = number * unit;
  if (seconds <= 0 || seconds > kMaxSeconds) {
    return InvalidArgumentError("enrol", "--expires",
                                "must be between 1 minute and 90 days");
  }
  return seconds;
}

int Enrol(const Tool& tool, const EnrolArgs& args) {
  if (args.office_url.rfind("https://", 0) != 0) {
    return tool.Fail(InvalidArgumentError("enrol", "--office-url",
                                          "must start with https://"));
  }
  Result<int64_t> lifetime = ParseLifetimeSeconds(args.expires);
  if (!lifetime.ok()) return tool.Fail(lifetime.status());
  Result<Ed25519PrivateKey> key = LoadPrivateKey(args.key);
  if (!key.ok()) return tool.Fail(key.status());
  Result<std::string> nonce = RandomBytes(16);
  if (!nonce.ok()) return tool.Fail(nonce.status());

  tls::EnrolmentToken token;
  token.consignee = args.consignee;
  token.expires_ms =
      (static_cast<int64_t>(std::time(nullptr)) + *lifetime) * int64_t{1000};
  token.nonce = HexEncode(*nonce);
  token.office_pin = args.office_pin;
  token.office_url = args.office_url;
  token.pc = args.pc;
  // The payload builder validates every field as the office's parser does.
  Result<std::string> payload = tls::EnrolmentTokenPayload(token);
  if (!payload.ok()) return tool.Fail(payload.status());
  Result<SignedEnvelope> envelope =
      SignEnvelope(tls::kEnrolmentTokenType, *payload, *key);
  if (!envelope.ok()) return tool.Fail(envelope.status());
  // The token enrols one PC once; it is a secret until used: mode 0600.
  Status written = WriteFileAtomic(args.out, SerializeSignedEnvelope(*envelope),
                                   0600, Overwrite::kRefuse);
  if (!written.ok()) return tool.Fail(written);
  *tool.out << Message(tool.lang, MsgId::kEnrolTokenCreated,
                       {args.out, args.pc, args.office_url})
            << "\n";
  return kExitOk;
}

}  // namespace

void AddEnrolCommands(CLI::App& app, Tool& tool) {
  auto args = std::make_shared<EnrolArgs>();
  CLI::App* enrol = app.add_subcommand(
      "enrol",
      "make a one-time enrolment token for one PC (端末登録用トークン); "
      "the PC uses it with `piiguard enrol --token FILE`");
  enrol->add_option("--key", args->key, "the city's private key")->required();
  enrol->add_option("--pc", args->pc, "the PC's id ([A-Za-z0-9._-], 1-64)")
      ->required();
  enrol
      ->add_option("--office-url", args->office_url,
                   "the privacy office server, https://HOST:PORT")
      ->required();
  enrol
      ->add_option("--office-pin", args->office_pin,
                   "the office's TLS pin (printed by piiguard-office init)")
      ->required();
  enrol->add_option("--consignee", args->consignee,
                    "the consignee (受託者) id, if the PC is not the city's");
  enrol->add_option("--expires", args->expires,
                    "lifetime: 7d (default), 12h, 30m; at most 90d");
  enrol->add_option("--out", args->out, "the token file (never overwritten)")
      ->required();
  enrol->callback([&tool, args] {
    tool.run = [&tool, args] { return Enrol(tool, *args); };
  });
}

}  // namespace piiguard::admin
