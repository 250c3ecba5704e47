// Test-only (office_doc_test.cc, tests/fuzz/office_doc_fuzzer.cc): builds
// zip archives in memory with libzip, so tests write their documents
// instead of checking in binaries.
//
// Thread-safety: pure functions.
#ifndef PIIGUARD_AGENT_ROSTER_OFFICE_TESTING_H_
#define PIIGUARD_AGENT_ROSTER_OFFICE_TESTING_H_

#include <zip.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace piiguard::roster::testing {

struct ZipMember {
  ZipMember(std::string member_name, std::string member_data,
            int32_t member_method = ZIP_CM_DEFLATE, uint32_t member_level = 0)
      : name(std::move(member_name)),
        data(std::move(member_data)),
        method(member_method),
        level(member_level) {}

  std::string name;
  std::string data;
  int32_t method = ZIP_CM_DEFLATE;  // ZIP_CM_STORE, ZIP_CM_BZIP2, ...
  uint32_t level = 0;               // 0: libzip's default
  std::string password;             // non-empty: AES-256 encrypted
};

// The archive's bytes, or nullopt if libzip refused (an unsupported method).
inline std::optional<std::string> MakeZip(
    const std::vector<ZipMember>& members) {
  struct SourceFree {
    void operator()(zip_source_t* s) const { zip_source_free(s); }
  };
  zip_error_t error;
  zip_error_init(&error);
  std::unique_ptr<zip_source_t, SourceFree> source(
      zip_source_buffer_create(nullptr, 0, 0, &error));
  zip_error_fini(&error);
  if (source == nullptr) return std::nullopt;
  zip_error_init(&error);
  zip_t* zip = zip_open_from_source(source.get(), ZIP_TRUNCATE, &error);
  zip_error_fini(&error);
  if (zip == nullptr) return std::nullopt;
  zip_source_keep(source.get());  // read it back after zip_close
  for (const ZipMember& m : members) {
    zip_source_t* data =
        zip_source_buffer(zip, m.data.data(), m.data.size(), 0);
    zip_int64_t index = data == nullptr
                            ? -1
                            : zip_file_add(zip, m.name.c_str(), data,
                                           ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
    if (index < 0) {
      if (data != nullptr) zip_source_free(data);
      zip_discard(zip);
      return std::nullopt;
    }
    auto i = static_cast<zip_uint64_t>(index);
    bool ok = zip_set_file_compression(zip, i, m.method, m.level) == 0 &&
              zip_file_set_mtime(zip, i, 1700000000, 0) == 0 &&
              (m.password.empty() ||
               zip_file_set_encryption(zip, i, ZIP_EM_AES_256,
                                       m.password.c_str()) == 0);
    if (!ok) {
      zip_discard(zip);
      return std::nullopt;
    }
  }
  if (zip_close(zip) != 0) {
    zip_discard(zip);
    return std::nullopt;
  }
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_source_stat(source.get(), &stat) != 0 ||
      zip_source_open(source.get()) != 0) {
    return std::nullopt;
  }
  std::string bytes(static_cast<size_t>(stat.size), '\0');
  zip_int64_t got = zip_source_read(source.get(), bytes.data(), bytes.size());
  static_cast<void>(zip_source_close(source.get()));
  if (got < 0 || static_cast<size_t>(got) != bytes.size()) return std::nullopt;
  return bytes;
}

}  // namespace piiguard::roster::testing

#endif  // PIIGUARD_AGENT_ROSTER_OFFICE_TESTING_H_
