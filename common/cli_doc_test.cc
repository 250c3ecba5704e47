#include "common/cli_doc.h"

#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "common/cli_tool.h"
#include "common/subprocess.h"
#include "common/version.h"

namespace piiguard {
namespace {

// A tool shaped like the real ones: groups of subcommands, flags, options
// with values, a positional, and a hidden option and subcommand.
struct DemoTool {
  CLI::App app{"demo-tool: a test (テスト)"};
  std::string db;
  bool json = false;
  std::string file;
  std::string secret;
  std::function<int()> run;

  DemoTool() {
    app.require_subcommand(1);
    CLI::App* journal = app.add_subcommand("journal", "the journal");
    journal->require_subcommand(1);
    CLI::App* show = journal->add_subcommand("show", "show -entries");
    show->add_option("--db", db, "journal file");
    db = "/var/lib/x.db";
    show->get_option("--db")->capture_default_str();
    show->add_flag("--json", json, "one JSON object per entry");
    CLI::App* verify = journal->add_subcommand("verify", "verify it");
    verify->add_option("file", file, "the file")->required();
    verify->callback([this] { run = [] { return 7; }; });
    app.add_subcommand("report", ".report a near miss");
    app.add_subcommand("internal", "hidden")->group("");
    app.add_option("--secret", secret)->group("");
  }
};

// Runs the generated script in bash on a command line ending in `cur`.
std::vector<std::string> Complete(const std::string& script,
                                  const std::vector<std::string>& words) {
  std::string line = "COMP_WORDS=(";
  for (const std::string& w : words) line += "'" + w + "' ";
  line += ")\nCOMP_CWORD=" + std::to_string(words.size() - 1) +
          "\n_demo_tool\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n";
  Result<ProcessResult> ran = RunProcess({"/bin/bash", "-s"}, script + line);
  EXPECT_TRUE(ran.ok()) << ran.status().message();
  if (!ran.ok()) return {};
  EXPECT_EQ(ran->exit_code, 0) << ran->err;
  std::vector<std::string> out;
  std::string item;
  for (char c : ran->out) {
    if (c == '\n') {
      if (!item.empty()) out.push_back(item);
      item.clear();
    } else {
      item.push_back(c);
    }
  }
  return out;
}

using Words = std::vector<std::string>;

TEST(BashCompletion, OffersSubcommandsAndOptionsWhereTheyApply) {
  DemoTool tool;
  const std::string script = BashCompletion(tool.app, "demo-tool");
  EXPECT_EQ(Complete(script, {"demo-tool", ""}), (Words{"journal", "report"}));
  EXPECT_EQ(Complete(script, {"demo-tool", "jo"}), (Words{"journal"}));
  EXPECT_EQ(Complete(script, {"demo-tool", "journal", ""}),
            (Words{"show", "verify"}));
  EXPECT_EQ(Complete(script, {"demo-tool", "journal", "show", "--"}),
            (Words{"--help", "--db", "--json"}));
  // After an option that takes a value: nothing of ours, so bash falls back
  // to file names (complete -o default).
  EXPECT_EQ(Complete(script, {"demo-tool", "journal", "show", "--db", ""}),
            Words{});
  // A flag takes no value: options are offered after it.
  EXPECT_EQ(Complete(script, {"demo-tool", "journal", "show", "--json", "--d"}),
            (Words{"--db"}));
  // The positional of `journal verify`: files, not subcommands.
  EXPECT_EQ(Complete(script, {"demo-tool", "journal", "verify", ""}), Words{});
}

TEST(BashCompletion, LeavesHiddenOptionsAndSubcommandsOut) {
  DemoTool tool;
  const std::string script = BashCompletion(tool.app, "demo-tool");
  EXPECT_EQ(script.find("internal"), std::string::npos);
  EXPECT_EQ(script.find("--secret"), std::string::npos);
  EXPECT_NE(script.find("complete -o bashdefault -o default -F _demo_tool "
                        "demo-tool"),
            std::string::npos);
}

TEST(ManCommands, ListsEveryVisibleCommandWithItsOptions) {
  DemoTool tool;
  const std::string man = ManCommands(tool.app, "demo-tool");
  EXPECT_NE(man.find(".SS \"demo\\-tool journal show\"\n"), std::string::npos);
  EXPECT_NE(man.find("\\fB\\-\\-db\\fR \\fITEXT\\fR\njournal file (default: "
                     "/var/lib/x.db)\n"),
            std::string::npos)
      << man;
  EXPECT_NE(man.find("\\fBdemo\\-tool journal show\\fR [\\fIOPTIONS\\fR]\n"),
            std::string::npos);
  // --help once, for the program, not under every command.
  size_t help = man.find("\\fB\\-h\\fR, \\fB\\-\\-help\\fR");
  EXPECT_NE(help, std::string::npos);
  EXPECT_EQ(man.find("\\fB\\-\\-help\\fR", help + 20), std::string::npos);
  EXPECT_NE(man.find("\\fB\\-\\-json\\fR\none JSON object per entry\n"),
            std::string::npos);
  EXPECT_NE(man.find("\\fBdemo\\-tool journal verify\\fR \\fIfile\\fR\n"),
            std::string::npos)
      << man;
  EXPECT_NE(man.find("the file (required)\n"), std::string::npos);
  // Descriptions that would read as roff requests are escaped.
  EXPECT_NE(man.find("\n\\&.report a near miss\n"), std::string::npos);
  EXPECT_NE(man.find("show \\-entries"), std::string::npos);
  EXPECT_EQ(man.find("internal"), std::string::npos);
  EXPECT_EQ(man.find("secret"), std::string::npos);
}

TEST(RoffEscape, EscapesBackslashesHyphensAndLeadingControlCharacters) {
  EXPECT_EQ(RoffEscape("a\\b-c"), "a\\eb\\-c");
  EXPECT_EQ(RoffEscape("'quoted"), "\\&'quoted");
  EXPECT_EQ(RoffEscape("名簿"), "名簿");
}

int RunDemo(DemoTool& tool, std::vector<std::string> args) {
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  return RunCli(tool.app, tool.run, static_cast<int>(argv.size()), argv.data());
}

TEST(RunCli, VersionNamesTheProgramAndItsVersion) {
  DemoTool tool;
  ::testing::internal::CaptureStdout();
  int rc = RunDemo(tool, {"/usr/bin/demo-tool", "--version"});
  std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_EQ(rc, kExitOk);
  EXPECT_EQ(out, "demo-tool " + std::string(kVersion) + "\n");
}

TEST(RunCli, GenerateNeedsNoSubcommandAndRefusesUnknownKinds) {
  DemoTool tool;
  ::testing::internal::CaptureStdout();
  int rc = RunDemo(tool, {"demo-tool", "--generate=bash-completion"});
  std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_EQ(rc, kExitOk);
  EXPECT_EQ(out, BashCompletion(tool.app, "demo-tool"));

  DemoTool other;
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(RunDemo(other, {"demo-tool", "--generate=zsh"}), kExitError);
  (void)::testing::internal::GetCapturedStderr();
}

TEST(RunCli, RunsTheChosenSubcommand) {
  DemoTool tool;
  EXPECT_EQ(RunDemo(tool, {"demo-tool", "journal", "verify", "f"}), 7);
  DemoTool none;
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(RunDemo(none, {"demo-tool"}), kExitError);
  (void)::testing::internal::GetCapturedStderr();
}

}  // namespace
}  // namespace piiguard
