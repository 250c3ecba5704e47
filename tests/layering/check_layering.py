#!/usr/bin/env python3
"""Checks piiguard's layering against the build's own target graph.

Usage: check_layering.py TARGET_GRAPH SOURCE_DIR

TARGET_GRAPH is what cmake/target_graph.cmake writes at every configure:
each target, the names it links and its sources. The rules
(DEVELOPERS.md "Layout and rules"):

- The floors: common/ at the bottom, policy/ on it, and agent/ and office/
  side by side on top, peers that never use each other. A target or a file
  of a floor uses only its own floor and those below it, through links
  (followed to the end) and through #include "...". tests/ and installer/
  may use anything.
- The staff CLI (agent/cli) reaches piiguardd through the IPC library only:
  it neither links nor includes anything of agent/daemon, and the program
  `piiguard` does not link piiguard_daemon.
- Reading the state directory needs no HTTPS library: the state libraries
  do not link cpp-httplib.
- No library includes the header of a program: a header whose .cc is
  compiled only into executables belongs to them.
- Fakes are for tests only: no product (a library or program outside
  tests/ that is not itself a test or a *_testing library) links a
  *_testing library, and no product source includes a header from a
  testing/ folder.

Prints each breach with the chain that makes it and exits 1; exits 0 when
there is none. tests/layering/check_layering_test.py tests the checker.
"""

import collections
import os
import re
import sys

# Floor of a folder, by the longest matching prefix; None: unconstrained.
FLOORS = {"common/": "common", "policy/": "policy", "agent/": "agent",
          "office/": "office"}
MAY_USE = {
    "common": {"common"},
    "policy": {"common", "policy"},
    "agent": {"common", "policy", "agent"},
    "office": {"common", "policy", "office"},
}
# (folder, folder it must not use, why)
FORBIDDEN_FOLDERS = [
    ("agent/cli/", "agent/daemon/",
     "the staff CLI talks to piiguardd through the IPC library only"),
]
# (target, target or imported library it must not reach, why)
FORBIDDEN_TARGETS = [
    ("piiguard", "piiguard_daemon",
     "the staff CLI talks to piiguardd through the IPC library only"),
    ("piiguard_agent_state", "PkgConfig::HTTPLIB",
     "reading the state directory needs no HTTPS library"),
    ("piiguard_office_config", "PkgConfig::HTTPLIB",
     "office.json's format needs no HTTPS library"),
]
LIBRARY_TYPES = {"STATIC_LIBRARY", "SHARED_LIBRARY", "OBJECT_LIBRARY",
                 "MODULE_LIBRARY", "INTERFACE_LIBRARY"}
SOURCE_SUFFIXES = (".cc", ".cpp", ".c")
HEADER_SUFFIXES = (".h", ".hpp")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.MULTILINE)

Target = collections.namedtuple("Target", "name type dir linked sources")


def parse_graph(text, root):
  """Targets by name; dir and sources relative to root where inside it."""
  targets = {}
  for line in text.splitlines():
    if not line.strip():
      continue
    fields = line.split("\t")
    if len(fields) != 5:
      raise ValueError("target graph: bad line: " + line)
    name, kind, folder, linked, sources = fields
    targets[name] = Target(
        name, kind, relative(folder, root),
        [n for n in linked.split(";") if n],
        [relative(s, root) for s in sources.split(";") if s])
  return targets


def relative(path, root):
  rel = os.path.relpath(path, root)
  return path if rel.startswith("..") else rel.replace(os.sep, "/")


def floor_of(path):
  best = None
  for prefix, floor in FLOORS.items():
    if (path + "/").startswith(prefix) and (
        best is None or len(prefix) > len(best[0])):
      best = (prefix, floor)
  return best[1] if best else None


def chains_from(targets, start):
  """Every name reachable from start by links, with the chain to it."""
  seen = {start: [start]}
  queue = collections.deque([start])
  while queue:
    name = queue.popleft()
    if name not in targets:
      continue  # imported or external: a leaf
    for linked in targets[name].linked:
      if linked not in seen:
        seen[linked] = seen[name] + [linked]
        queue.append(linked)
  return seen


def link_breaches(targets, forbidden_folders=None, forbidden_targets=None):
  forbidden_folders = (FORBIDDEN_FOLDERS if forbidden_folders is None
                       else forbidden_folders)
  forbidden_targets = (FORBIDDEN_TARGETS if forbidden_targets is None
                       else forbidden_targets)
  breaches = []
  for name in sorted(targets):
    target = targets[name]
    floor = floor_of(target.dir)
    reached = chains_from(targets, name)
    for other in sorted(reached):
      if other == name or other not in targets:
        continue
      other_dir = targets[other].dir
      chain = " -> ".join(reached[other])
      other_floor = floor_of(other_dir)
      if floor and other_floor and other_floor not in MAY_USE[floor]:
        breaches.append(f"{target.dir}/ target {name} uses {other_dir}/ "
                        f"target {other} ({chain}): {floor}/ may use only "
                        f"{', '.join(sorted(MAY_USE[floor]))}")
      for folder, banned, why in forbidden_folders:
        if ((target.dir + "/").startswith(folder) and
            (other_dir + "/").startswith(banned)):
          breaches.append(f"{target.dir}/ target {name} uses {other_dir}/ "
                          f"target {other} ({chain}): {why}")
  for name, banned, why in forbidden_targets:
    if name not in targets:
      breaches.append(f"rule on {name}: no such target (renamed? update "
                      "tests/layering/check_layering.py)")
      continue
    reached = chains_from(targets, name)
    if banned in reached:
      breaches.append(f"{name} links {banned} "
                      f"({' -> '.join(reached[banned])}): {why}")
  return breaches


class Includes:
  """The project headers a file includes, directly and through others."""

  def __init__(self, root):
    self.root = root
    self.direct = {}

  def of(self, path):
    if path not in self.direct:
      found = []
      try:
        with open(os.path.join(self.root, path), encoding="utf-8",
                  errors="replace") as f:
          for name in INCLUDE.findall(f.read()):
            if os.path.isfile(os.path.join(self.root, name)):
              found.append(name)
      except OSError:
        pass  # generated or outside the tree
      self.direct[path] = found
    return self.direct[path]

  def closure(self, path):
    """Each header reached from path, with the include chain to it."""
    seen = {path: [path]}
    queue = collections.deque([path])
    while queue:
      current = queue.popleft()
      for name in self.of(current):
        if name not in seen:
          seen[name] = seen[current] + [name]
          queue.append(name)
    return seen


def source_files(root):
  for prefix in FLOORS:
    for folder, _, files in os.walk(os.path.join(root, prefix)):
      for f in sorted(files):
        if f.endswith(SOURCE_SUFFIXES + HEADER_SUFFIXES):
          yield relative(os.path.join(folder, f), root)


def include_breaches(root, includes, forbidden_folders=None):
  forbidden_folders = (FORBIDDEN_FOLDERS if forbidden_folders is None
                       else forbidden_folders)
  breaches = []
  for path in source_files(root):
    floor = floor_of(os.path.dirname(path))
    for name in includes.of(path):
      other_floor = floor_of(os.path.dirname(name))
      if floor and other_floor and other_floor not in MAY_USE[floor]:
        breaches.append(f"{path} includes {name}: {floor}/ may use only "
                        f"{', '.join(sorted(MAY_USE[floor]))}")
      for folder, banned, why in forbidden_folders:
        if path.startswith(folder) and name.startswith(banned):
          breaches.append(f"{path} includes {name}: {why}")
  return breaches


def program_headers(targets, root):
  """Header -> the executables it belongs to."""
  in_library = set()
  for target in targets.values():
    if target.type in LIBRARY_TYPES:
      in_library.update(target.sources)
  owned = collections.defaultdict(set)
  for target in targets.values():
    if target.type != "EXECUTABLE":
      continue
    for source in target.sources:
      if source.endswith(HEADER_SUFFIXES):
        header = source
      elif source.endswith(SOURCE_SUFFIXES) and source not in in_library:
        header = os.path.splitext(source)[0] + ".h"
      else:
        continue
      if header not in in_library and os.path.isfile(
          os.path.join(root, header)):
        owned[header].add(target.name)
  return owned


def program_header_breaches(targets, root, includes):
  owned = program_headers(targets, root)
  breaches = []
  for name in sorted(targets):
    target = targets[name]
    if target.type not in LIBRARY_TYPES:
      continue
    for source in target.sources:
      for header, chain in sorted(includes.closure(source).items()):
        if header in owned:
          programs = ", ".join(sorted(owned[header]))
          breaches.append(
              f"library {name} includes {header}, a header of the program "
              f"{programs} ({' -> '.join(chain)}): move what it needs into "
              "a library")
  return breaches


def is_test_code(name_or_path):
  base = os.path.basename(name_or_path)
  return (name_or_path.startswith("tests/") or "/testing/" in name_or_path or
          name_or_path.startswith("testing/") or base.endswith("_testing") or
          re.search(r"(_test|_testing|_test_util|testing|_fixture)"
                    r"(\.cc|\.h)?$", base) is not None)


def testing_breaches(targets, root, includes):
  breaches = []
  for name in sorted(targets):
    target = targets[name]
    if is_test_code(name) or is_test_code(target.dir + "/"):
      continue
    reached = chains_from(targets, name)
    for other in sorted(reached):
      if other != name and other.endswith("_testing"):
        breaches.append(f"{name} links {other} "
                        f"({' -> '.join(reached[other])}): fakes are for "
                        "tests only")
  for path in source_files(root):
    if is_test_code(path):
      continue
    for name in includes.of(path):
      if "/testing/" in name:
        breaches.append(f"{path} includes {name}: fakes are for tests only")
  return breaches


def check(graph_text, root):
  targets = parse_graph(graph_text, root)
  includes = Includes(root)
  return (link_breaches(targets) + include_breaches(root, includes) +
          program_header_breaches(targets, root, includes) +
          testing_breaches(targets, root, includes)), targets


def main(argv):
  if len(argv) != 3:
    print(__doc__.splitlines()[2], file=sys.stderr)
    return 2
  with open(argv[1], encoding="utf-8") as f:
    graph_text = f.read()
  breaches, targets = check(graph_text, argv[2])
  for breach in breaches:
    print("layering: " + breach)
  if breaches:
    print(f"layering: {len(breaches)} breaches")
    return 1
  print(f"layering: {len(targets)} targets, no breach")
  return 0


if __name__ == "__main__":
  sys.exit(main(sys.argv))
