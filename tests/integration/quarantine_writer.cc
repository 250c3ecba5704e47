// quarantine_writer: a helper for tests/integration/quarantine_cli_test.sh
// (not installed), standing in for the roster guard on a PC.
//
//   quarantine_writer QUARANTINE_KEY_BASE64 IN OUT PATH PC
//       encrypts the file IN (read through its fd) to the office key into
//       OUT (0600), with PATH and PC as metadata and a small explanation;
//       prints the quarantine file's size and SHA-256.
//
// Exit: 0 done, 2 error.

#include <fcntl.h>
#include <unistd.h>

#include <ctime>
#include <iostream>
#include <string>

#include "common/quarantine.h"
#include "common/unique_fd.h"

namespace {

namespace quarantine = piiguard::quarantine;

int Fail(const piiguard::Status& status) {
  std::cerr << "quarantine_writer: " << status.message() << "\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::cerr << "usage: quarantine_writer KEY_BASE64 IN OUT PATH PC\n";
    return 2;
  }
  auto key = piiguard::X25519PublicKey::FromBase64(argv[1]);
  if (!key.ok()) return Fail(key.status());
  piiguard::UniqueFd in(::open(argv[2], O_RDONLY | O_CLOEXEC));
  if (!in.valid()) return Fail(piiguard::ErrnoStatus("open", argv[2], errno));
  piiguard::UniqueFd out(
      ::open(argv[3], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!out.valid()) return Fail(piiguard::ErrnoStatus("open", argv[3], errno));
  quarantine::Metadata metadata;
  metadata.path = argv[4];
  metadata.pc = argv[5];
  metadata.time = std::time(nullptr);
  metadata.explanation = {{"rows", 3}, {"columns", {"氏名", "電話番号"}}};
  quarantine::FdSource source(in.get(), argv[2]);
  quarantine::FdSink sink(out.get(), argv[3]);
  auto sealed = quarantine::Encrypt(*key, metadata, source, sink);
  if (!sealed.ok()) return Fail(sealed.status());
  std::cout << sealed->quarantine_size << " " << sealed->quarantine_sha256
            << "\n";
  return 0;
}
