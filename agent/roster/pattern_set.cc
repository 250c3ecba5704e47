#include "agent/roster/pattern_set.h"

#include <algorithm>
#include <cstdlib>
#include <string>

#include "agent/roster/token_scan.h"

namespace piiguard::roster {
namespace {

// Hyperscan's match_event_handler spells its offsets unsigned long long.
int OnMatch(unsigned int id,
            unsigned long long from,  // NOLINT(google-runtime-int)
            unsigned long long to,    // NOLINT(google-runtime-int)
            unsigned int /*flags*/, void* context) {
  auto* hits = static_cast<std::vector<Hit>*>(context);
  hits->push_back({id, static_cast<uint32_t>(from), static_cast<uint32_t>(to)});
  return 0;  // go on
}

}  // namespace

namespace {

unsigned int FlagsOf(const Pattern& p) {
  unsigned int f = HS_FLAG_MULTILINE;
  if (p.caseless) f |= HS_FLAG_CASELESS;
  if (p.needs_start) f |= HS_FLAG_SOM_LEFTMOST;
  return f;
}

}  // namespace

uint64_t PatternSet::Fingerprint(const std::vector<Pattern>& patterns) {
  uint64_t h = 14695981039346656037ULL;
  auto mix = [&h](std::string_view bytes) {
    for (char c : bytes) {
      h ^= static_cast<unsigned char>(c);
      h *= 1099511628211ULL;
    }
  };
  for (size_t i = 0; i < patterns.size(); ++i) {
    const Pattern& p = patterns[i];
    if (p.token != Token::kNone) continue;
    mix(p.expression);
    mix(std::to_string(FlagsOf(p)) + "/" + std::to_string(i) + ";");
  }
  return h;
}

Result<std::unique_ptr<PatternSet>> PatternSet::Load(
    const std::vector<Pattern>& patterns, std::string_view serialized,
    uint64_t fingerprint) {
  if (fingerprint != Fingerprint(patterns)) {
    return InternalError("roster", "hyperscan",
                         "built-in database is of other patterns");
  }
  hs_database_t* db = nullptr;
  if (hs_deserialize_database(serialized.data(), serialized.size(), &db) !=
      HS_SUCCESS) {
    return InternalError("roster", "hyperscan",
                         "cannot load the built-in database");
  }
  std::unique_ptr<PatternSet> set(new PatternSet(db, patterns));
  if (hs_alloc_scratch(db, &set->prototype_) != HS_SUCCESS) {
    return InternalError("roster", "hyperscan", "cannot allocate scratch");
  }
  return set;
}

Result<std::string> PatternSet::Serialize() const {
  char* bytes = nullptr;
  size_t size = 0;
  if (hs_serialize_database(db_, &bytes, &size) != HS_SUCCESS) {
    return InternalError("roster", "hyperscan", "cannot serialize");
  }
  std::string out(bytes, size);
  std::free(bytes);  // NOLINT(cppcoreguidelines-no-malloc): Hyperscan's
  return out;
}

Result<std::unique_ptr<PatternSet>> PatternSet::Compile(
    const std::vector<Pattern>& patterns, const hs_platform_info_t* platform) {
  std::vector<const char*> expressions;
  std::vector<unsigned int> flags;
  std::vector<unsigned int> ids;
  for (size_t i = 0; i < patterns.size(); ++i) {
    const Pattern& p = patterns[i];
    if (p.token != Token::kNone) continue;  // the token scanner's
    expressions.push_back(p.expression.c_str());
    flags.push_back(FlagsOf(p));
    ids.push_back(static_cast<unsigned int>(i));
  }
  hs_database_t* db = nullptr;
  hs_compile_error_t* error = nullptr;
  if (hs_compile_multi(expressions.data(), flags.data(), ids.data(),
                       static_cast<unsigned int>(expressions.size()),
                       HS_MODE_BLOCK, platform, &db, &error) != HS_SUCCESS) {
    std::string what = error != nullptr ? error->message : "unknown error";
    int which = error != nullptr ? error->expression : -1;
    hs_free_compile_error(error);
    return InternalError("roster", "pattern " + std::to_string(which), what);
  }
  std::unique_ptr<PatternSet> set(new PatternSet(db, patterns));
  if (hs_alloc_scratch(db, &set->prototype_) != HS_SUCCESS) {
    return InternalError("roster", "hyperscan", "cannot allocate scratch");
  }
  return set;
}

PatternSet::PatternSet(hs_database_t* db, const std::vector<Pattern>& patterns)
    : db_(db), tokens_(std::make_unique<TokenScanner>(patterns)) {}

PatternSet::~PatternSet() {
  for (hs_scratch_t* s : free_) hs_free_scratch(s);
  hs_free_scratch(prototype_);
  hs_free_database(db_);
}

Result<hs_scratch_t*> PatternSet::TakeScratch() const {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!free_.empty()) {
      hs_scratch_t* s = free_.back();
      free_.pop_back();
      return s;
    }
  }
  hs_scratch_t* s = nullptr;
  if (hs_clone_scratch(prototype_, &s) != HS_SUCCESS) {
    return InternalError("roster", "hyperscan", "cannot clone scratch");
  }
  return s;
}

void PatternSet::ReturnScratch(hs_scratch_t* scratch) const {
  std::lock_guard<std::mutex> lock(mu_);
  free_.push_back(scratch);
}

Status PatternSet::Scan(std::string_view text, std::vector<Hit>& hits) const {
  hits.clear();
  if (text.size() > kMaxChunk) {
    return InternalError("roster", "scan", "chunk too large");
  }
  PIIGUARD_ASSIGN_OR_RETURN(hs_scratch_t * scratch, TakeScratch());
  hs_error_t rc =
      hs_scan(db_, text.data(), static_cast<unsigned int>(text.size()), 0,
              scratch, OnMatch, &hits);
  ReturnScratch(scratch);
  if (rc != HS_SUCCESS) {
    return InternalError("roster", "hyperscan", "scan failed");
  }
  tokens_->Scan(text, hits);
  if (!std::is_sorted(hits.begin(), hits.end(),
                      [](const Hit& a, const Hit& b) { return a.to < b.to; })) {
    std::stable_sort(hits.begin(), hits.end(),
                     [](const Hit& a, const Hit& b) { return a.to < b.to; });
  }
  return Status::Ok();
}

}  // namespace piiguard::roster
