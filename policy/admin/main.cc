// piiguard-admin: the IT desk's tool for city keys, policies, keyed sticks
// and offline exception codes. Each command group lives in its own file; main
// only wires them.

#include <CLI/CLI.hpp>
#include <iostream>

#include "policy/admin/tool.h"

int main(int argc, char** argv) {
  piiguard::admin::Tool tool;
  tool.lang = piiguard::LangFromEnvironment();
  tool.out = &std::cout;
  tool.err = &std::cerr;
  CLI::App app{
      "piiguard-admin: city keys, signed policies, keyed USB sticks and "
      "offline exception codes "
      "(情報システム課用ツール)"};
  app.require_subcommand(1);
  piiguard::admin::AddKeyCommands(app, tool);
  piiguard::admin::AddPolicyCommands(app, tool);
  piiguard::admin::AddStickCommands(app, tool);
  piiguard::admin::AddEnrolCommands(app, tool);
  piiguard::admin::AddExceptionCommands(app, tool);
  return piiguard::RunCli(app, tool.run, argc, argv);
}
