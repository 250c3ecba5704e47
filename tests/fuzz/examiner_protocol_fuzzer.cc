// The examiner's protocol (agent/priv, docs/examiner.md): what piiguardd
// decodes from the unprivileged examiner (replies, hello) and what the
// examiner decodes from piiguardd (requests). The first byte chooses the
// decoder; the rest is the message.
//
// Oracle: no crash, leak or undefined behaviour; a decoded message
// re-encodes to exactly its bytes (the decoders accept only the canonical
// form); a decoded verdict's strings are UTF-8 (they go into the journal's
// JSON: dumping it must not throw), its columns are at most
// kMaxReplyColumns with known kinds, and a reply is never over
// kMaxReplySize.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "agent/priv/examiner_protocol.h"
#include "common/json.h"

namespace {

using piiguard::priv::DecodeHello;
using piiguard::priv::DecodeReply;
using piiguard::priv::DecodeRequest;
using piiguard::priv::EncodeHello;
using piiguard::priv::EncodeReply;
using piiguard::priv::EncodeRequest;
using piiguard::priv::IsUtf8;

void Check(bool ok) {
  if (!ok) std::abort();
}

void Reply(std::string_view bytes) {
  auto reply = DecodeReply(bytes);
  if (!reply.ok()) return;
  Check(bytes.size() <= piiguard::priv::kMaxReplySize);
  Check(EncodeReply(*reply) == bytes);
  if (!reply->verdict.has_value()) {
    Check(IsUtf8(reply->error));
    return;
  }
  const piiguard::roster::Verdict& v = *reply->verdict;
  Check(IsUtf8(v.format) && IsUtf8(v.encoding) && IsUtf8(v.reason));
  Check(v.columns.size() <= piiguard::priv::kMaxReplyColumns);
  for (const piiguard::roster::Column& c : v.columns) {
    Check(static_cast<int>(c.kind) < piiguard::roster::kColumnKinds);
    Check(c.index >= -1 && c.index <= piiguard::priv::kMaxColumnIndex &&
          IsUtf8(c.header));
  }
  // What the guard does with it: the journal's JSON and the staff's words.
  (void)v.ToJson().dump();
  (void)v.Explain(piiguard::Lang::kJa);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1,
                               size - 1);
  switch (data[0] % 3) {
    case 0: {
      auto request = DecodeRequest(bytes);
      if (request.ok()) Check(EncodeRequest(*request) == bytes);
      break;
    }
    case 1:
      Reply(bytes);
      break;
    default: {
      auto hello = DecodeHello(bytes);
      if (hello.ok()) Check(IsUtf8(*hello) && EncodeHello(*hello) == bytes);
      break;
    }
  }
  return 0;
}
