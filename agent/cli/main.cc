// piiguard: the staff's tool on the PC. Each command group lives in its own
// file; main only wires them.

#include <CLI/CLI.hpp>
#include <iostream>

#include "agent/cli/tool.h"

int main(int argc, char** argv) {
  piiguard::cli::Tool tool;
  tool.lang = piiguard::LangFromEnvironment();
  tool.out = &std::cout;
  tool.err = &std::cerr;
  CLI::App app{"piiguard: this PC's journal and reports (職員用ツール)"};
  app.require_subcommand(1);
  piiguard::cli::AddJournalCommands(app, tool);
  piiguard::cli::AddReportCommands(app, tool);
  piiguard::cli::AddEnrolCommands(app, tool);
  piiguard::cli::AddStatusCommands(app, tool);
  piiguard::cli::AddSessionCommands(app, tool);
  piiguard::cli::AddScanCommands(app, tool);
  piiguard::cli::AddExceptionCommands(app, tool);
  return piiguard::RunCli(app, tool.run, argc, argv);
}
