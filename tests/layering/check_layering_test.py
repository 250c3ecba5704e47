"""check_layering.py on small trees, each made to break one rule."""

import os
import tempfile
import unittest

import check_layering as cl


class Tree:
  """A source tree in a temporary folder and its target graph."""

  def __init__(self):
    self._tmp = tempfile.TemporaryDirectory()
    self.root = self._tmp.name
    self.lines = []

  def close(self):
    self._tmp.cleanup()

  def file(self, path, *includes):
    full = os.path.join(self.root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w", encoding="utf-8") as f:
      for name in includes:
        f.write(f'#include "{name}"\n')
      f.write("int x;\n")

  def target(self, name, kind, folder, linked=(), sources=()):
    self.lines.append("\t".join([
        name, kind, os.path.join(self.root, folder), ";".join(linked),
        ";".join(os.path.join(self.root, s) for s in sources)]))

  def check(self):
    breaches, _ = cl.check("\n".join(self.lines) + "\n", self.root)
    return breaches


class CheckLayeringTest(unittest.TestCase):

  def setUp(self):
    # A tree that keeps every rule: the named targets the rules mention,
    # agent and office on common and policy.
    self.tree = Tree()
    t = self.tree
    t.file("common/c.h")
    t.file("common/c.cc", "common/c.h")
    t.file("policy/p.h", "common/c.h")
    t.file("policy/p.cc", "policy/p.h")
    t.file("agent/ipc/ipc.h", "common/c.h")
    t.file("agent/state/state.cc", "common/c.h")
    t.file("agent/daemon/daemon.cc", "agent/ipc/ipc.h")
    t.file("agent/cli/cli.cc", "agent/ipc/ipc.h", "policy/p.h")
    t.file("office/store.cc", "policy/p.h")
    t.file("office/tool.h")
    t.file("office/tool.cc", "office/tool.h")
    t.file("office/main.cc", "office/tool.h")
    t.target("piiguard_common", "STATIC_LIBRARY", "common",
             ["OpenSSL::Crypto"], ["common/c.cc"])
    t.target("piiguard_policy", "STATIC_LIBRARY", "policy",
             ["piiguard_common"], ["policy/p.cc"])
    t.target("piiguard_ipc", "STATIC_LIBRARY", "agent/ipc",
             ["piiguard_common"], [])
    t.target("piiguard_agent_state", "STATIC_LIBRARY", "agent/state",
             ["piiguard_common"], ["agent/state/state.cc"])
    t.target("piiguard_office_config", "STATIC_LIBRARY", "agent/state",
             ["piiguard_common"], [])
    t.target("piiguard_daemon", "STATIC_LIBRARY", "agent/daemon",
             ["piiguard_ipc", "piiguard_agent_state"],
             ["agent/daemon/daemon.cc"])
    t.target("piiguard_cli", "STATIC_LIBRARY", "agent/cli",
             ["piiguard_ipc", "piiguard_policy", "PkgConfig::HTTPLIB"],
             ["agent/cli/cli.cc"])
    t.target("piiguard", "EXECUTABLE", "agent/cli", ["piiguard_cli"], [])
    t.target("piiguard_office_store", "STATIC_LIBRARY", "office",
             ["$<LINK_ONLY:piiguard_policy>"], ["office/store.cc"])
    t.target("piiguard-office", "EXECUTABLE", "office",
             ["piiguard_office_store"], ["office/main.cc", "office/tool.cc"])
    t.target("both_test", "EXECUTABLE", "tests/integration",
             ["piiguard_daemon", "piiguard_office_store"], [])

  def tearDown(self):
    self.tree.close()

  def test_a_clean_tree_passes(self):
    self.assertEqual(self.tree.check(), [])

  def test_office_linking_an_agent_library_fails(self):
    self.tree.target("piiguard_office_scan", "STATIC_LIBRARY", "office",
                     ["piiguard_office_store", "piiguard_ipc"], [])
    breaches = self.tree.check()
    self.assertEqual(len(breaches), 1, breaches)
    self.assertIn("office/ target piiguard_office_scan uses agent/ipc/ target "
                  "piiguard_ipc", breaches[0])

  def test_agent_reaching_office_through_a_chain_fails(self):
    self.tree.target("piiguard_bridge", "STATIC_LIBRARY", "common",
                     ["piiguard_office_store"], [])
    self.tree.target("piiguard_usb", "STATIC_LIBRARY", "agent/usb",
                     ["piiguard_bridge"], [])
    breaches = self.tree.check()
    self.assertTrue(any(
        "target piiguard_usb uses office/ target piiguard_office_store "
        "(piiguard_usb -> piiguard_bridge -> piiguard_office_store)" in b
        for b in breaches), breaches)
    # ...and common/ using office/ is a breach of its own.
    self.assertTrue(any("common/ target piiguard_bridge uses office/" in b
                        for b in breaches), breaches)

  def test_an_include_across_the_peers_fails(self):
    self.tree.file("office/scan.cc", "agent/ipc/ipc.h")
    breaches = self.tree.check()
    self.assertEqual(breaches, [
        "office/scan.cc includes agent/ipc/ipc.h: office/ may use only "
        "common, office, policy"])

  def test_policy_including_the_agent_fails(self):
    self.tree.file("policy/q.h", "agent/ipc/ipc.h")
    self.assertEqual(len(self.tree.check()), 1)

  def test_the_cli_linking_the_daemon_fails(self):
    self.tree.target("piiguard_cli", "STATIC_LIBRARY", "agent/cli",
                     ["piiguard_ipc", "piiguard_daemon"], ["agent/cli/cli.cc"])
    breaches = self.tree.check()
    self.assertTrue(any("target piiguard_cli uses agent/daemon/" in b
                        for b in breaches), breaches)
    self.assertTrue(any(
        b.startswith("piiguard links piiguard_daemon (piiguard -> "
                     "piiguard_cli -> piiguard_daemon)") for b in breaches),
                    breaches)

  def test_the_cli_including_a_daemon_header_fails(self):
    self.tree.file("agent/daemon/state_dir.h")
    self.tree.file("agent/cli/enrol.cc", "agent/daemon/state_dir.h")
    breaches = self.tree.check()
    self.assertEqual(len(breaches), 1, breaches)
    self.assertIn("agent/cli/enrol.cc includes agent/daemon/state_dir.h",
                  breaches[0])

  def test_the_state_directory_linking_https_fails(self):
    self.tree.target("piiguard_sync", "STATIC_LIBRARY", "agent/sync",
                     ["PkgConfig::HTTPLIB"], [])
    self.tree.target("piiguard_agent_state", "STATIC_LIBRARY", "agent/state",
                     ["piiguard_common", "piiguard_sync"],
                     ["agent/state/state.cc"])
    breaches = self.tree.check()
    self.assertEqual(breaches, [
        "piiguard_agent_state links PkgConfig::HTTPLIB (piiguard_agent_state "
        "-> piiguard_sync -> PkgConfig::HTTPLIB): reading the state "
        "directory needs no HTTPS library"])

  def test_a_rule_on_a_missing_target_fails(self):
    self.tree.lines = [l for l in self.tree.lines
                       if not l.startswith("piiguard\t")]
    breaches = self.tree.check()
    self.assertEqual(len(breaches), 1, breaches)
    self.assertIn("rule on piiguard: no such target", breaches[0])

  def test_a_library_including_a_program_header_fails(self):
    # office/tool.h goes with tool.cc, which only piiguard-office compiles.
    self.tree.file("office/scan.cc", "office/scan.h")
    self.tree.file("office/scan.h", "office/tool.h")
    self.tree.target("piiguard_office_scan", "STATIC_LIBRARY", "office",
                     ["piiguard_office_store"], ["office/scan.cc"])
    breaches = self.tree.check()
    self.assertEqual(breaches, [
        "library piiguard_office_scan includes office/tool.h, a header of "
        "the program piiguard-office (office/scan.cc -> office/scan.h -> "
        "office/tool.h): move what it needs into a library"])

  def test_a_header_whose_code_is_also_in_a_library_is_not_a_programs(self):
    self.tree.file("office/scan.cc", "office/tool.h")
    self.tree.target("piiguard_office_scan", "STATIC_LIBRARY", "office",
                     [], ["office/scan.cc", "office/tool.cc"])
    self.assertEqual(self.tree.check(), [])


  def test_a_product_linking_fakes_fails(self):
    self.tree.file("common/os/testing/fake.h")
    self.tree.file("common/os/testing/fake.cc", "common/os/testing/fake.h")
    self.tree.target("piiguard_os_testing", "STATIC_LIBRARY", "common/os",
                     ["piiguard_common"], ["common/os/testing/fake.cc"])
    self.tree.target("os_test", "EXECUTABLE", "common/os",
                     ["piiguard_os_testing"], [])
    self.assertEqual(self.tree.check(), [])  # a test may
    self.tree.target("piiguard_daemon", "STATIC_LIBRARY", "agent/daemon",
                     ["piiguard_ipc", "piiguard_os_testing"],
                     ["agent/daemon/daemon.cc"])
    self.assertEqual(self.tree.check(), [
        "piiguard_daemon links piiguard_os_testing (piiguard_daemon -> "
        "piiguard_os_testing): fakes are for tests only"])

  def test_a_product_including_a_fake_fails(self):
    self.tree.file("common/os/testing/fake.h")
    self.tree.file("agent/daemon/daemon_test.cc", "common/os/testing/fake.h")
    self.assertEqual(self.tree.check(), [])  # a test may
    self.tree.file("agent/daemon/daemon.cc", "agent/ipc/ipc.h",
                   "common/os/testing/fake.h")
    self.assertEqual(self.tree.check(), [
        "agent/daemon/daemon.cc includes common/os/testing/fake.h: fakes "
        "are for tests only"])


if __name__ == "__main__":
  unittest.main()
