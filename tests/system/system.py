#!/usr/bin/env python3
"""Host driver of the system tier: boots the Debian 12 guest disk made by
setup.sh (GRUB, systemd as PID 1) under qemu (TCG) on a copy-on-write overlay,
with a second disk labelled "payload" that holds the scenario (run.sh), the
.deb files and the fixtures. The guest's systest.service runs
/payload/run.sh at every boot; the guest may reboot (qemu restarts it from
the same overlay, through GRUB) and carries on from where it was.

    system.py --image BASE.img --payload DIR --out OUT [--timeout S]

The console protocol is the VM tier's (tests/vm/vm.py: @@PLAN, @@CHECK,
@@WAIT plug/unplug/qmp/hmp/ping, @@END), plus:
    @@WAIT browser       the host checks the office's review pages in headless
                         Chromium through the forwarded port
                         (tests/browser/system_pages.mjs, fixtures/expect.json);
                         each of its checks counts like a guest's @@CHECK
    @@WAIT issue PC SCOPE MINUTES
                         the privacy office issues an exception file for PC
                         from its review pages in headless Chromium
                         (tests/browser/system_issue.mjs, the reviewer of
                         fixtures/expect.json); the reply is the file's id;
                         its checks count like the browser's
    @@WAIT respond CODE  the IT desk on the phone: the host's piiguard-admin
                         (--admin, from the package) answers the request code
                         CODE with the desk's master key (--desk-master) and
                         the signed policy (--desk-policy, verified with
                         --desk-pub) for the guest PC
                         (--desk-pc), person 0; the reply is the response,
                         then for a maintenance window the vendor's one-time
                         password the desk reads to the vendor only
A USB keyboard and a tablet (mouse) are plugged from the start, as on a PC
where piiguard gets installed. The guest's port 8443 (the office server)
is forwarded to 127.0.0.1:PORT on the host. After the run, /out of the
payload disk (the guest's logs) is copied to OUT/guest/.
"""

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "vm"))
import vm  # noqa: E402  (the VM tier's driver: QMP, sticks, the protocol)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SystemRun(vm.Run):
    def __init__(self, args):
        args.scenario = os.path.join(args.payload, "run.sh")
        args.name = args.name or "system"
        args.keep_images = True
        args.stick = []
        super().__init__(args)
        self.port = args.port or free_port()

    def build_initrd(self):
        """The overlay and the payload disk (no initramfs of ours: GRUB
        boots the guest's own kernel and initrd)."""
        a = self.args
        overlay = os.path.join(self.out, "disk.qcow2")
        if os.path.exists(overlay):
            os.unlink(overlay)
        vm.run_quiet(["qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw",
                      "-b", os.path.abspath(a.image), overlay])
        payload = os.path.join(self.out, "payload.img")
        with open(payload, "wb") as f:
            f.truncate(a.payload_mb << 20)
        vm.run_quiet(["mkfs.ext4", "-q", "-F", "-L", "payload", "-d", a.payload,
                      payload])
        return overlay, payload

    def qemu_cmdline(self, disks):
        a = self.args
        overlay, payload = disks
        return ["qemu-system-x86_64", "-accel", "tcg", "-cpu", a.cpu,
                "-smp", str(a.smp), "-m", str(a.mem), "-nographic",
                "-monitor", "none", "-serial", "stdio",
                "-qmp", f"unix:{self.qmp_path},server=on,wait=off",
                "-drive", f"file={overlay},if=virtio,format=qcow2",
                "-drive", f"file={payload},if=virtio,format=raw",
                "-nic", "user,model=virtio-net-pci,restrict=on,"
                        f"hostfwd=tcp:127.0.0.1:{self.port}-:8443",
                "-device", "qemu-xhci,id=xhci,p2=8,p3=8",
                "-device", "usb-kbd,bus=xhci.0,id=kbd0",
                "-device", "usb-tablet,bus=xhci.0,id=mouse0"]

    def step(self, words):
        if words and words[0] == "browser":
            return self.browser()
        if words and words[0] == "respond":
            return self.respond(words[1:])
        if words and words[0] == "issue":
            return self.issue(words[1:])
        if words and words[0] == "plug":
            words = [self.host_paths(w) for w in words]
        return super().step(words)

    def host_paths(self, word):
        """A stick spec names its image as the guest sees it
        (image=/payload/fixtures/keyed.img); the host copies it from the
        payload folder it made the payload disk from."""
        parts = []
        for part in word.split(","):
            if part.startswith("image=/payload/"):
                rel = part[len("image=/payload/"):]
                part = "image=" + os.path.join(self.args.payload, rel)
            parts.append(part)
        return ",".join(parts)

    def respond(self, rest):
        """What the IT desk reads back for the request code the guest's
        staff read out (piiguard-admin exception respond)."""
        if len(rest) != 1 or not self.args.admin:
            raise vm.HarnessError("respond CODE (and --admin, --desk-master)")
        cmd = [self.args.admin, "exception", "respond",
               "--master", self.args.desk_master, "--pc", self.args.desk_pc,
               "--challenge", rest[0], "--person", "0",
               "--policy", self.args.desk_policy, "--pub", self.args.desk_pub,
               "--reason", "system tier",
               "--ledger", os.path.join(self.out, "desk.ledger")]
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=60, check=False)
        text = r.stdout.decode(errors="replace")
        self.log(f"desk: {text.strip()}")
        response = password = None
        for line in text.splitlines():
            if line.startswith("response: "):
                response = line.split()[1]
            # The vendor's password: 4 groups of 4 Crockford characters.
            found = re.search(r"\b[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}\b", line)
            if found:
                password = found.group(0)
        if response:
            return response + (" " + password if password else "")
        raise vm.HarnessError(f"respond: exit {r.returncode}: {text.strip()[:200]}")

    def take_browser_checks(self, text):
        """The "CHECK NAME PASS|FAIL DETAIL" lines of a browser script's
        output become checks of this run, named pages_NAME; returns how
        many there were."""
        n = 0
        for line in text.splitlines():
            w = line.split(" ", 3)
            if len(w) >= 3 and w[0] == "CHECK" and w[2] in ("PASS", "FAIL"):
                detail = w[3] if len(w) > 3 else ""
                self.checks.append({"name": "pages_" + w[1], "result": w[2],
                                    "detail": detail})
                self.log(f"{w[2]} pages_{w[1]} {detail}")
                n += 1
        return n

    def browser(self):
        """Runs system_pages.mjs against the guest's office; its CHECK lines
        become checks of this run."""
        out = os.path.join(self.out, "pages")
        os.makedirs(out, exist_ok=True)
        cmd = ["node", os.path.join(HERE, "..", "browser", "system_pages.mjs"),
               "--url", f"https://127.0.0.1:{self.port}",
               "--expect", os.path.join(self.args.payload, "fixtures", "expect.json"),
               "--out", out]
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=300, check=False)
        text = r.stdout.decode(errors="replace")
        with open(os.path.join(out, "pages_check.log"), "w") as f:
            f.write(text)
        n = self.take_browser_checks(text)
        if r.returncode != 0 or n == 0:
            raise vm.HarnessError(f"pages_check exited {r.returncode} after {n} checks"
                                  f" (see {out}/pages_check.log)")
        return f"{n} checks"

    def issue(self, rest):
        """The privacy office issues an exception from its review pages
        (system_issue.mjs): `issue PC SCOPE MINUTES`; the reply is the id
        of the file queued for the PC."""
        if len(rest) != 3:
            raise vm.HarnessError("issue PC SCOPE MINUTES")
        out = os.path.join(self.out, "issue")
        os.makedirs(out, exist_ok=True)
        cmd = ["node", os.path.join(HERE, "..", "browser", "system_issue.mjs"),
               "--url", f"https://127.0.0.1:{self.port}",
               "--expect", os.path.join(self.args.payload, "fixtures", "expect.json"),
               "--out", out, "--pc", rest[0], "--scope", rest[1],
               "--minutes", rest[2],
               "--reason", "システム試験: 研修会場の Wi-Fi で資料を受け取るため"]
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=300, check=False)
        text = r.stdout.decode(errors="replace")
        with open(os.path.join(out, "issue.log"), "w") as f:
            f.write(text)
        self.take_browser_checks(text)
        issued = None
        for line in text.splitlines():
            w = line.split(" ")
            if len(w) == 2 and w[0] == "ISSUED":
                issued = w[1]
        if r.returncode != 0 or not issued:
            raise vm.HarnessError(f"issue exited {r.returncode} (see {out}/issue.log)")
        return issued

    def run(self):
        rc = super().run()
        # The guest's logs, from the payload disk (no mount needed).
        guest = os.path.join(self.out, "guest")
        shutil.rmtree(guest, ignore_errors=True)
        payload = os.path.join(self.out, "payload.img")
        if os.path.exists(payload):
            subprocess.run(["debugfs", "-R", f"rdump /out {self.out}", payload],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           check=False)
            if os.path.isdir(os.path.join(self.out, "out")):
                os.rename(os.path.join(self.out, "out"), guest)
        return rc


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--image", required=True, help="setup.sh's base disk image")
    p.add_argument("--payload", required=True, help="folder for the payload disk")
    p.add_argument("--out", required=True, help="run folder")
    p.add_argument("--name")
    p.add_argument("--timeout", type=float, default=1500)
    p.add_argument("--port", type=int, default=0, help="host port for the office")
    p.add_argument("--payload-mb", type=int, default=512)
    p.add_argument("--smp", type=int, default=1)
    p.add_argument("--cpu", default="max")
    p.add_argument("--mem", type=int, default=2048)
    p.add_argument("--admin", help="the IT desk's piiguard-admin (respond)")
    p.add_argument("--desk-master", help="the desk's exception master key")
    p.add_argument("--desk-policy", help="the signed policy the desk holds")
    p.add_argument("--desk-pub", help="the city's public key (verifies it)")
    p.add_argument("--desk-pc", default="pc-01", help="the guest PC's id")
    return p.parse_args(argv)


def main():
    args = parse_args(sys.argv[1:])
    if not os.path.isfile(os.path.join(args.payload, "run.sh")):
        print(f"vm: no run.sh in {args.payload}", file=sys.stderr)
        print("vm: 0 passed, 1 failed", flush=True)
        return 2
    try:
        return SystemRun(args).run()
    except vm.HarnessError as e:
        print(f"vm: {e}", file=sys.stderr)
        print("vm: 0 passed, 1 failed", flush=True)
        return 2


if __name__ == "__main__":
    sys.exit(main())
