#include "common/cli_doc.h"

#include <CLI/CLI.hpp>
#include <functional>
#include <sstream>
#include <utility>
#include <vector>

namespace piiguard {
namespace {

using Path = std::vector<std::string>;
using Visit = std::function<void(const Path&, const CLI::App&)>;

bool Visible(const CLI::App* app) { return !app->get_group().empty(); }
bool VisibleOption(const CLI::Option* opt) { return !opt->get_group().empty(); }

// Depth first, parents before their subcommands, in declaration order.
void Walk(const CLI::App& app, Path& path, const Visit& visit) {
  visit(path, app);
  for (const CLI::App* sub : app.get_subcommands(Visible)) {
    path.push_back(sub->get_name());
    Walk(*sub, path, visit);
    path.pop_back();
  }
}

std::string Join(const Path& path, char separator) {
  std::string out;
  for (const std::string& part : path) {
    if (!out.empty() || separator == '/') out.push_back(separator);
    out += part;
  }
  return out;
}

bool TakesValue(const CLI::Option& opt) {
  return opt.get_items_expected_max() > 0;
}

std::vector<std::string> Names(const CLI::Option& opt) {
  std::vector<std::string> names;
  for (const std::string& s : opt.get_snames()) names.push_back("-" + s);
  for (const std::string& l : opt.get_lnames()) names.push_back("--" + l);
  return names;
}

// A bash word list cannot hold quotes or spaces; CLI11 names never do.
std::string Words(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) {
    if (!out.empty()) out.push_back(' ');
    out += w;
  }
  return out;
}

std::string FunctionName(std::string_view program) {
  std::string name = "_";
  for (char c : program) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                 (c >= '0' && c <= '9');
    name.push_back(plain ? c : '_');
  }
  return name;
}

}  // namespace

std::string RoffEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out.push_back(c);
    }
  }
  // A line starting with . or ' would be a request.
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out.insert(0, "\\&");
  return out;
}

std::string BashCompletion(const CLI::App& app, std::string_view program) {
  std::ostringstream paths;   // known subcommand paths, for the walk
  std::ostringstream words;   // what to offer at each path
  std::ostringstream values;  // options that take a value, per path
  Path path;
  Walk(app, path, [&](const Path& at, const CLI::App& node) {
    const std::string key = Join(at, '/');
    if (!at.empty()) paths << "      \"" << key << "\") path=$next ;;\n";
    std::vector<std::string> subs;
    for (const CLI::App* sub : node.get_subcommands(Visible)) {
      subs.push_back(sub->get_name());
    }
    std::vector<std::string> options;
    std::vector<std::string> valued;
    for (const CLI::Option* opt : node.get_options(VisibleOption)) {
      for (const std::string& name : Names(*opt)) {
        options.push_back(name);
        if (TakesValue(*opt)) {
          std::string pattern = "\"";
          pattern.append(key).append(" ").append(name).append("\"");
          valued.push_back(std::move(pattern));
        }
      }
    }
    words << "    \"" << key << "\")\n"
          << "      subcommands=\"" << Words(subs) << "\"\n"
          << "      options=\"" << Words(options) << "\" ;;\n";
    if (!valued.empty()) {
      std::string joined;
      for (const std::string& v : valued) {
        joined += (joined.empty() ? "" : "|") + v;
      }
      values << "    " << joined << ") return 0 ;;\n";
    }
  });
  const std::string function = FunctionName(program);
  std::ostringstream out;
  out << "# bash completion for " << program
      << " (generated from its command tree by `" << program
      << " --generate=bash-completion`).\n"
      << function << "() {\n"
      << "  local cur=${COMP_WORDS[COMP_CWORD]} "
         "prev=${COMP_WORDS[COMP_CWORD-1]}\n"
      << "  local path=\"\" next i subcommands=\"\" options=\"\"\n"
      << "  COMPREPLY=()\n"
      << "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
      << "    next=\"$path/${COMP_WORDS[i]}\"\n"
      << "    case \"$next\" in\n"
      << paths.str() << "    esac\n"
      << "  done\n"
      << "  # An option's value: files (bash's default completion).\n"
      << "  case \"$path $prev\" in\n"
      << values.str() << "  esac\n"
      << "  case \"$path\" in\n"
      << words.str() << "  esac\n"
      << "  if [[ $cur == -* ]]; then\n"
      << "    mapfile -t COMPREPLY < <(compgen -W \"$options\" -- \"$cur\")\n"
      << "  elif [[ -n $subcommands ]]; then\n"
      << "    mapfile -t COMPREPLY < <(compgen -W \"$subcommands\" -- "
         "\"$cur\")\n"
      << "  fi\n"
      << "  return 0\n"
      << "}\n"
      << "complete -o bashdefault -o default -F " << function << " " << program
      << "\n";
  return out.str();
}

std::string ManCommands(const CLI::App& app, std::string_view program) {
  std::ostringstream out;
  Path path;
  Walk(app, path, [&](const Path& at, const CLI::App& node) {
    std::string title(program);
    for (const std::string& part : at) title += " " + part;
    // -h/--help is said once, for the program; every command has it.
    std::vector<const CLI::Option*> options;
    for (const CLI::Option* opt : node.get_options(VisibleOption)) {
      if (at.empty() || opt != node.get_help_ptr()) options.push_back(opt);
    }
    std::string usage = "\\fB" + RoffEscape(title) + "\\fR";
    bool named = false;
    for (const CLI::Option* opt : options) named |= opt->nonpositional();
    if (named) usage += " [\\fIOPTIONS\\fR]";
    for (const CLI::Option* opt : options) {
      if (opt->nonpositional()) continue;
      usage += " \\fI" + RoffEscape(opt->get_name()) + "\\fR";
      if (opt->get_items_expected_max() > 1) usage += "...";
    }
    if (!node.get_subcommands(Visible).empty()) usage += " \\fICOMMAND\\fR";
    out << ".SS \"" << RoffEscape(title) << "\"\n"
        << usage << "\n.br\n"
        << RoffEscape(node.get_description()) << "\n";
    for (const CLI::Option* opt : options) {
      out << ".TP\n";
      if (!opt->nonpositional()) {
        out << "\\fI" << RoffEscape(opt->get_name()) << "\\fR\n";
      } else {
        std::string names;
        for (const std::string& name : Names(*opt)) {
          if (!names.empty()) names += ", ";
          names += "\\fB" + RoffEscape(name) + "\\fR";
        }
        if (TakesValue(*opt)) {
          names += " \\fI" + RoffEscape(opt->get_type_name()) + "\\fR";
        }
        out << names << "\n";
      }
      std::string text = opt->get_description();
      if (opt->get_required()) text += " (required)";
      if (!opt->get_default_str().empty()) {
        text += " (default: " + opt->get_default_str() + ")";
      }
      out << RoffEscape(text) << "\n";
    }
  });
  return out.str();
}

}  // namespace piiguard
