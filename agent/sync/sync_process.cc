#include "agent/sync/sync_process.h"

#include "agent/sync/https_transport.h"
#include "common/timestamp.h"
#include "common/tls/tls.h"

namespace piiguard::sync {
namespace {

RoundResult Failed(FailureKind kind, std::string detail) {
  RoundResult result;
  result.kind = kind;
  result.detail = std::move(detail);
  return result;
}

std::string Date(int64_t seconds) {
  return FormatRfc3339(seconds, 9 * 60).substr(0, 10);
}

// This PC's certificate: issued by the office CA for TLS clients, and valid
// now. Checked here so that an expired certificate is named as such, not
// as a refused handshake.
Status CheckCertificate(const SyncMaterial& material, int64_t now) {
  PIIGUARD_ASSIGN_OR_RETURN(
      tls::Certificate cert,
      tls::Certificate::FromPem(material.client_cert_pem));
  PIIGUARD_ASSIGN_OR_RETURN(tls::Certificate ca,
                            tls::Certificate::FromPem(material.ca_pem));
  if (now > cert.NotAfter()) {
    return FailedPreconditionError(
        "sync", "this PC's certificate",
        "expired on " + Date(cert.NotAfter()) + ": enrol the PC again");
  }
  if (now < cert.NotBefore()) {
    return FailedPreconditionError(
        "sync", "this PC's certificate",
        "not valid before " + Date(cert.NotBefore()) + ": check the clock");
  }
  Status verified =
      tls::VerifyCertificate(cert, ca, tls::CertUsage::kClient, now);
  if (!verified.ok()) {
    return FailedPreconditionError(
        "sync", "this PC's certificate",
        "not issued by the office's CA: " + verified.message());
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Transport>> MakeHttpsTransport(
    const SyncMaterial& material) {
  PIIGUARD_ASSIGN_OR_RETURN(
      tls::Certificate cert,
      tls::Certificate::FromPem(material.client_cert_pem));
  PIIGUARD_ASSIGN_OR_RETURN(
      tls::EcPrivateKey key,
      tls::EcPrivateKey::FromPem(material.client_key_pem));
  PIIGUARD_ASSIGN_OR_RETURN(
      std::unique_ptr<HttpsTransport> transport,
      HttpsTransport::Create(material.office.office_url,
                             material.office.office_pin,
                             ClientIdentity{std::move(cert), std::move(key)}));
  return std::unique_ptr<Transport>(std::move(transport));
}

int64_t NextRoundDelayMs(const RoundResult& result, Backoff& backoff,
                         int interval_seconds) {
  if (result.ok) {
    backoff.Reset();
    return result.more ? 0 : int64_t{interval_seconds} * 1000;
  }
  if (result.kind == FailureKind::kNotEnrolled) {
    return int64_t{interval_seconds} * 1000;
  }
  return backoff.NextDelayMs();
}

SyncProcess::SyncProcess(DaemonLink& link, TransportFactory factory,
                         const os::Clock& clock)
    : link_(link), factory_(std::move(factory)), clock_(clock), client_(link) {}

RoundResult SyncProcess::RunRound() {
  RoundResult result = Attempt();
  link_.SyncDone(result.ok ? FailureKind::kNone : result.kind, result.detail)
      .IgnoreError();
  return result;
}

RoundResult SyncProcess::Attempt() {
  std::unique_ptr<Transport> transport;
  {
    Result<std::optional<SyncMaterial>> material = link_.GetMaterial();
    if (!material.ok()) {
      return Failed(FailureKind::kMaterial, material.status().message());
    }
    if (!*material) return Failed(FailureKind::kNotEnrolled, "not enrolled");
    Status checked = CheckCertificate(**material, clock_.WallSeconds());
    if (!checked.ok()) {
      return Failed(FailureKind::kCertificate, checked.message());
    }
    Result<std::unique_ptr<Transport>> made = factory_(**material);
    if (!made.ok())
      return Failed(FailureKind::kMaterial, made.status().message());
    transport = std::move(*made);
  }  // the material (and its copy of the key) is overwritten here
  return client_.RunRound(*transport);
}

}  // namespace piiguard::sync
