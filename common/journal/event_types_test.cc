#include "common/journal/event_types.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace piiguard::journal {
namespace {

TEST(EventTypes, CatalogueIsSortedValidAndLabelled) {
  std::span<const EventTypeInfo> catalogue = EventTypeCatalogue();
  ASSERT_FALSE(catalogue.empty());
  const std::regex valid("[a-z0-9._-]{1,48}");  // docs/journal.md
  for (size_t i = 0; i < catalogue.size(); ++i) {
    const EventTypeInfo& info = catalogue[i];
    if (i > 0) {
      EXPECT_LT(catalogue[i - 1].type, info.type);
    }
    EXPECT_TRUE(std::regex_match(std::string(info.type), valid)) << info.type;
    EXPECT_FALSE(Message(Lang::kJa, info.label).empty()) << info.type;
    EXPECT_FALSE(Message(Lang::kEn, info.label).empty()) << info.type;
    EXPECT_EQ(EventTypeLabel(info.type), info.label) << info.type;
  }
  EXPECT_EQ(EventTypeLabel("stick.refused"), std::nullopt);
  EXPECT_EQ(EventTypeLabel(""), std::nullopt);
}

TEST(EventTypes, NearMissesOldAndNew) {
  EXPECT_TRUE(IsNearMiss(types::kNearMiss));
  EXPECT_TRUE(IsNearMiss(types::kNearMissLegacy));
  EXPECT_FALSE(IsNearMiss("near_miss.reported.x"));
  EXPECT_FALSE(IsNearMiss("near_miss_x"));
  EXPECT_EQ(EventTypeLabel(types::kNearMiss),
            EventTypeLabel(types::kNearMissLegacy));
  EXPECT_EQ(NearMissTypes().size(), 2u);
}

// The agent's producers write the catalogue's constants: a type written as
// a literal could go unlabelled on the office's pages. Looks at every
// non-test source under agent/ for a string literal shaped like an event
// type ("usb.stick.keyed"); outside comments, there must be none.
TEST(EventTypes, AgentSourcesWriteNoLiteralTypes) {
  const char* source_dir = std::getenv("PIIGUARD_SOURCE_DIR");
  if (source_dir == nullptr) GTEST_SKIP() << "PIIGUARD_SOURCE_DIR not set";
  // Literals of that shape that are not event types.
  const std::set<std::string> not_types = {
      "radio.block_types",  // a policy field, in an error message
  };
  const std::regex literal(
      "\"((journal|agent|near_miss|policy|sync|status_report|enrolment|usb|"
      "session|radio|link|roster|scan|stick|ipc|maintenance|exception)"
      "(\\.[a-z0-9_-]+)+)\"");
  size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(
           std::filesystem::path(source_dir) / "agent")) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_regular_file() ||
        !(name.ends_with(".cc") || name.ends_with(".h")) ||
        name.ends_with("_test.cc") || name.find("test_util") != name.npos ||
        name.find("testing") != name.npos) {
      continue;
    }
    ++files;
    std::ifstream in(entry.path());
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      size_t comment = line.find("//");
      if (comment != std::string::npos) line.resize(comment);
      for (std::sregex_iterator it(line.begin(), line.end(), literal), end;
           it != end; ++it) {
        const std::string type = (*it)[1];
        if (not_types.contains(type)) continue;
        ADD_FAILURE() << entry.path().string() << ":" << number << ": \""
                      << type << "\": write the constant from "
                      << "common/journal/event_types.h ("
                      << (EventTypeLabel(type) ? "in the catalogue"
                                               : "add it, with its label")
                      << ")";
      }
    }
  }
  EXPECT_GT(files, 50u);
}

}  // namespace
}  // namespace piiguard::journal
