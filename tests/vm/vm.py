#!/usr/bin/env python3
"""Host driver of the VM tier: boots Debian's kernel under qemu (TCG) with
emulated USB sticks, runs one guest scenario, answers its @@WAIT requests over
QMP and counts its @@CHECK results.

    vm.py [options] SCENARIO.sh

The scenario runs as /scenario.sh in the guest (busybox sh, see
guest/vmlib.sh). Its lines starting with "# vm:" add options, e.g.
    # vm: --stick cold1,serial=CITY0001,fs=fat --timeout 90
Options given here come after them (lists add up, single values win).

A stick SPEC is "ID,serial=S[,size=64M][,fs=fat|ext4|none][,label=L]
[,image=HOST_FILE][,uas]": a fresh sparse image in the run folder, or a copy of
HOST_FILE. The guest's requests (answered "@@DONE STEP ok|error ..."):
    @@WAIT plug SPEC       hot-plugs a stick on the xHCI controller
    @@WAIT unplug ID       unplugs it (waits for qemu's DEVICE_DELETED)
    @@WAIT qmp JSON        any QMP command {"execute": ..., "arguments": ...}
    @@WAIT hmp TEXT...     any human monitor command
    @@WAIT ping            nothing; a synchronisation point

Writes OUT/console.log (host-timestamped console), OUT/summary.json and
OUT/qemu.stderr, and ends with "vm: NAME: N passed, N failed". Exit status 0
when every check passed, the scenario ended with 0 and reported what it
planned; 1 otherwise (failed checks, timeout, panic); 2 usage or setup error.
"""

import argparse
import gzip
import json
import os
import queue
import shlex
import shutil
import socket
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))


class HarnessError(Exception):
    pass


# --- initramfs pieces -------------------------------------------------------


def newc_cpio(entries):
    """Returns a newc cpio archive of (path, mode, data) entries; data None
    makes a directory."""
    out = bytearray()

    def pad():
        out.extend(b"\0" * (-len(out) % 4))

    ino = 1
    for path, mode, data in entries + [("TRAILER!!!", 0, b"")]:
        name = path.lstrip("/").encode() + b"\0"
        body = b"" if data is None else data
        kind = 0o040000 if data is None else 0o100000
        fields = [ino, (kind | mode) if path != "TRAILER!!!" else 0, 0, 0,
                  2 if data is None else 1, 0, len(body), 0, 0, 0, 0,
                  len(name), 0]
        out.extend(b"070701" + b"".join(b"%08X" % f for f in fields))
        out.extend(name)
        pad()
        out.extend(body)
        pad()
        ino += 1
    return bytes(out)


def scenario_cpio(scenario, files):
    """The scenario as /scenario.sh plus host files (SRC:DEST) as a gzip'd
    cpio to append to the base initramfs."""
    entries = []
    dirs = set()
    with open(scenario, "rb") as f:
        entries.append(("/scenario.sh", 0o755, f.read()))
    for spec in files:
        src, _, dest = spec.partition(":")
        dest = dest or "/data/" + os.path.basename(src)
        parts = dest.strip("/").split("/")[:-1]
        for i in range(1, len(parts) + 1):
            d = "/" + "/".join(parts[:i])
            if d not in dirs:
                dirs.add(d)
                entries.append((d, 0o755, None))
        with open(src, "rb") as f:
            mode = os.stat(src).st_mode & 0o777
            entries.append((dest, mode, f.read()))
    return gzip.compress(newc_cpio(entries), 6)


# --- sticks -----------------------------------------------------------------


def parse_stick(spec):
    parts = spec.split(",")
    stick = {"id": parts[0], "size": "64M", "fs": "fat", "uas": False}
    for p in parts[1:]:
        key, eq, value = p.partition("=")
        if key == "uas" and not eq:
            stick["uas"] = True
        elif key in ("serial", "size", "fs", "label", "image") and eq:
            stick[key] = value
        else:
            raise HarnessError(f"stick {spec!r}: unknown option {p!r}")
    if not stick["id"] or "serial" not in stick:
        raise HarnessError(f"stick {spec!r}: needs ID and serial=")
    if stick["fs"] not in ("fat", "ext4", "none"):
        raise HarnessError(f"stick {spec!r}: fs is fat, ext4 or none")
    return stick


def size_bytes(text):
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    if text[-1:].upper() in units:
        return int(text[:-1]) * units[text[-1].upper()]
    return int(text)


def run_quiet(cmd):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        raise HarnessError(f"{' '.join(cmd)}: {r.stdout.decode(errors='replace').strip()}")


def make_image(stick, run_dir):
    """Makes the stick's image file in run_dir and returns its path."""
    path = os.path.join(run_dir, stick["id"] + ".img")
    if "image" in stick:
        run_quiet(["cp", "--sparse=always", stick["image"], path])
        return path
    with open(path, "wb") as f:
        f.truncate(size_bytes(stick["size"]))
    label = stick.get("label", stick["serial"][:11])
    if stick["fs"] == "fat":
        if shutil.which("mkfs.vfat"):
            run_quiet(["mkfs.vfat", "-n", label, path])
        else:
            run_quiet(["busybox", "mkdosfs", "-n", label, path])
    elif stick["fs"] == "ext4":
        run_quiet(["mkfs.ext4", "-q", "-F", "-L", label, path])
    return path


def stick_devices(stick, image):
    """The QMP blockdev-add and device_add arguments for a stick."""
    node = stick["id"] + "-blk"
    blockdev = {"driver": "raw", "node-name": node,
                "file": {"driver": "file", "filename": image}}
    if stick["uas"]:
        devices = [
            {"driver": "usb-uas", "bus": "xhci.0", "id": stick["id"],
             "serial": stick["serial"]},
            {"driver": "scsi-hd", "bus": stick["id"] + ".0", "scsi-id": 0,
             "lun": 0, "drive": node, "removable": True,
             "id": stick["id"] + "-hd"},
        ]
    else:
        devices = [{"driver": "usb-storage", "bus": "xhci.0", "drive": node,
                    "serial": stick["serial"], "removable": True,
                    "id": stick["id"]}]
    return blockdev, devices


def cli_value(v):
    if v is True:
        return "on"
    return str(v)


def stick_cmdline(stick, image):
    """The same stick as qemu command-line options (cold plug)."""
    blockdev, devices = stick_devices(stick, image)
    args = ["-blockdev",
            f"driver=raw,node-name={blockdev['node-name']},"
            f"file.driver=file,file.filename={image}"]
    for d in devices:
        opts = [d["driver"]] + [f"{k}={cli_value(v)}" for k, v in d.items()
                                if k != "driver"]
        args += ["-device", ",".join(opts)]
    return args


# --- QMP --------------------------------------------------------------------


class Qmp:
    def __init__(self, path, deadline):
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise HarnessError(f"no QMP socket at {path}")
                time.sleep(0.05)  # qemu has not created the socket yet
        self.sock.settimeout(30)
        self.file = self.sock.makefile("rwb")
        self.events = []
        self._read()  # greeting
        self.execute("qmp_capabilities")

    def _read(self):
        line = self.file.readline()
        if not line:
            raise HarnessError("QMP connection closed")
        return json.loads(line)

    def execute(self, command, arguments=None):
        msg = {"execute": command}
        if arguments:
            msg["arguments"] = arguments
        self.file.write(json.dumps(msg).encode() + b"\n")
        self.file.flush()
        while True:
            reply = self._read()
            if "event" in reply:
                self.events.append(reply)
            elif "return" in reply:
                return reply["return"]
            elif "error" in reply:
                raise HarnessError(f"QMP {command}: {reply['error'].get('desc')}")

    def wait_event(self, name, match, timeout):
        end = time.monotonic() + timeout
        while True:
            for i, ev in enumerate(self.events):
                if ev["event"] == name and match(ev.get("data", {})):
                    del self.events[i]
                    return ev
            left = end - time.monotonic()
            if left <= 0:
                raise HarnessError(f"QMP: no {name} event")
            self.sock.settimeout(left)
            try:
                ev = self._read()
            except socket.timeout:
                raise HarnessError(f"QMP: no {name} event") from None
            finally:
                self.sock.settimeout(30)
            if "event" in ev:
                self.events.append(ev)


# --- the run ----------------------------------------------------------------


class Run:
    def __init__(self, args):
        self.args = args
        self.name = args.name or os.path.splitext(os.path.basename(args.scenario))[0]
        self.out = os.path.abspath(args.out or os.path.join(HERE, ".cache", "runs", self.name))
        self.checks = []
        self.plan = None
        self.end_rc = None
        self.problems = []
        self.plugged = {}
        self.qdevs = {}   # stick id -> QOM path of its disk (the medium's device)
        self.changes = 0
        self.booted_at = None

    def log(self, text):
        print(f"vm: {self.name}: {text}", flush=True)

    def build_initrd(self):
        path = os.path.join(self.out, "initrd.img")
        with open(path, "wb") as out:
            for part in [self.args.initrd] + self.args.cpio:
                with open(part, "rb") as f:
                    shutil.copyfileobj(f, out)
            out.write(scenario_cpio(self.args.scenario, self.args.file))
        return path

    def qemu_cmdline(self, initrd):
        a = self.args
        cmd = ["qemu-system-x86_64", "-accel", "tcg", "-cpu", a.cpu,
               "-smp", str(a.smp), "-m", str(a.mem), "-nographic",
               "-monitor", "none", "-nic", "none", "-serial", "stdio",
               "-no-reboot", "-qmp", f"unix:{self.qmp_path},server=on,wait=off",
               "-kernel", a.kernel, "-initrd", initrd,
               "-append", "console=ttyS0 panic=-1 quiet " + a.append,
               "-device", "qemu-xhci,id=xhci,p2=8,p3=8"]
        for spec in a.stick:
            stick = parse_stick(spec)
            image = make_image(stick, self.out)
            self.plugged[stick["id"]] = stick
            cmd += stick_cmdline(stick, image)
        return cmd

    # The QOM path of the guest device holding stick ID's medium (usb-storage
    # hands its drive to an internal scsi-disk with no id of its own).
    def qdev_of(self, sid):
        if sid not in self.qdevs:
            node = sid + "-blk"
            for b in self.qmp.execute("query-block"):
                inserted = b.get("inserted") or {}
                if inserted.get("node-name") == node and b.get("qdev"):
                    self.qdevs[sid] = b["qdev"]
            if sid not in self.qdevs:
                raise HarnessError(f"no device holds {node}")
        return self.qdevs[sid]

    # Answers one @@WAIT request; returns the text after "ok".
    def step(self, words):
        if not words:
            raise HarnessError("empty @@WAIT")
        step, rest = words[0], words[1:]
        if step == "ping":
            return ""
        if step == "plug":
            if len(rest) != 1:
                raise HarnessError("plug SPEC")
            stick = parse_stick(rest[0])
            if stick["id"] in self.plugged:
                raise HarnessError(f"{stick['id']} is already plugged")
            image = make_image(stick, self.out)
            blockdev, devices = stick_devices(stick, image)
            self.qmp.execute("blockdev-add", blockdev)
            for d in devices:
                self.qmp.execute("device_add", d)
            if stick["uas"]:
                # A hot-plugged usb-uas waits for its disk; attach it now.
                self.qmp.execute("qom-set", {"path": "/machine/peripheral/" + stick["id"],
                                             "property": "attached", "value": True})
            self.plugged[stick["id"]] = stick
            return stick["id"]
        if step == "unplug":
            if len(rest) != 1 or rest[0] not in self.plugged:
                raise HarnessError(f"unplug: no stick {' '.join(rest)!r}")
            sid = rest[0]
            self.qmp.execute("device_del", {"id": sid})
            self.qmp.wait_event("DEVICE_DELETED",
                                lambda d: d.get("device") == sid, 10)
            self.qmp.execute("blockdev-del", {"node-name": sid + "-blk"})
            del self.plugged[sid]
            self.qdevs.pop(sid, None)
            return sid
        if step == "throttle":
            # Reads of the stick at BPS bytes/s (1: they never finish); 0 lifts.
            if len(rest) != 2 or rest[0] not in self.plugged:
                raise HarnessError("throttle ID BYTES_PER_SECOND")
            limits = {k: 0 for k in ("bps", "bps_wr", "iops", "iops_rd", "iops_wr")}
            limits["bps_rd"] = int(rest[1])
            self.qmp.execute("block_set_io_throttle",
                             dict(limits, id=self.qdev_of(rest[0])))
            return rest[0]
        if step == "change":
            # Another medium in the stick's drive (a card swapped in a reader).
            if len(rest) != 2 or rest[0] not in self.plugged:
                raise HarnessError("change ID IMAGE")
            qdev = self.qdev_of(rest[0])
            self.changes += 1
            path = os.path.join(self.out, f"{rest[0]}-medium{self.changes}.img")
            run_quiet(["cp", "--sparse=always", rest[1], path])
            self.qmp.execute("blockdev-change-medium",
                             {"id": qdev, "filename": path, "format": "raw",
                              "force": True})
            return path
        if step == "qmp":
            msg = json.loads(" ".join(rest))
            return json.dumps(self.qmp.execute(msg["execute"], msg.get("arguments")))
        if step == "hmp":
            out = self.qmp.execute("human-monitor-command",
                                   {"command-line": " ".join(rest)})
            return " ".join(out.split())
        raise HarnessError(f"unknown step {step!r}")

    def handle(self, line, stdin):
        at = line.find("@@")
        if at < 0:
            return
        words = line[at:].split()
        tag = words[0]
        if tag == "@@BOOTED":
            self.booted_at = time.monotonic() - self.started
        elif tag == "@@PLAN" and len(words) == 2 and words[1].isdigit():
            self.plan = int(words[1])
        elif tag == "@@CHECK" and len(words) >= 3 and words[2] in ("PASS", "FAIL"):
            detail = " ".join(words[3:])
            self.checks.append({"name": words[1], "result": words[2],
                                "detail": detail})
            self.log(f"{words[2]} {words[1]} {detail}")
        elif tag == "@@WAIT" and len(words) >= 2:
            try:
                reply = "ok " + self.step(words[1:])
            except (HarnessError, ValueError, KeyError, OSError) as e:
                reply = "error " + str(e).replace("\n", " ")
                self.log(f"step {' '.join(words[1:])}: {reply}")
            try:
                stdin.write(f"@@DONE {words[1]} {reply}\n".encode())
                stdin.flush()
            except OSError as e:
                raise HarnessError(f"cannot answer the guest: {e}") from None
        elif tag == "@@END" and len(words) == 2:
            self.end_rc = int(words[1]) if words[1].lstrip("-").isdigit() else -1

    def run(self):
        a = self.args
        os.makedirs(self.out, exist_ok=True)
        for old in os.listdir(self.out):
            if old.endswith(".img") or old in ("qmp.sock", "initrd.img"):
                os.unlink(os.path.join(self.out, old))
        self.qmp_path = os.path.join(self.out, "qmp.sock")
        cmd = self.qemu_cmdline(self.build_initrd())
        with open(os.path.join(self.out, "cmdline"), "w") as f:
            f.write(shlex.join(cmd) + "\n")
        console = open(os.path.join(self.out, "console.log"), "w", errors="replace")
        stderr = open(os.path.join(self.out, "qemu.stderr"), "wb")
        self.started = time.monotonic()
        deadline = self.started + a.timeout
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=stderr, cwd=self.out)
        lines = queue.Queue()

        def reader():
            for raw in proc.stdout:
                lines.put(raw.decode("utf-8", errors="replace").rstrip("\r\n"))
            lines.put(None)

        threading.Thread(target=reader, daemon=True).start()
        timed_out = False
        try:
            self.qmp = Qmp(self.qmp_path, deadline)
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    timed_out = True
                    break
                try:
                    line = lines.get(timeout=left)
                except queue.Empty:
                    continue
                if line is None:
                    break
                console.write(f"[{time.monotonic() - self.started:8.3f}] {line}\n")
                console.flush()
                ended = self.end_rc is not None
                self.handle(line, proc.stdin)
                if not ended and self.end_rc is not None:
                    # The kernel log follows, then poweroff; a guest that does
                    # not power off is killed then, but that is no failure.
                    deadline = min(deadline, time.monotonic() + 15)
            timed_out = timed_out and self.end_rc is None
        except HarnessError as e:
            self.problems.append(f"harness: {e}")
        finally:
            if proc.poll() is None:
                try:
                    proc.wait(timeout=0 if timed_out else 5)
                except subprocess.TimeoutExpired:
                    pass
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            console.close()
            stderr.close()
        wall = time.monotonic() - self.started
        if timed_out:
            self.problems.append(f"timeout after {a.timeout} s (qemu killed)")
        if self.end_rc is None and not timed_out:
            why = "panic? see console.log"
            if proc.returncode not in (0, None):
                with open(os.path.join(self.out, "qemu.stderr"), errors="replace") as f:
                    tail = f.read().strip().splitlines()[-1:]
                why = f"qemu exited with {proc.returncode}: {' '.join(tail)}"
            self.problems.append(f"the guest stopped before @@END ({why})")
        elif self.end_rc not in (None, 0):
            self.problems.append(f"scenario exited with {self.end_rc}")
        passed = sum(c["result"] == "PASS" for c in self.checks)
        failed = len(self.checks) - passed
        if self.plan is not None and len(self.checks) < self.plan:
            self.problems.append(f"{self.plan - len(self.checks)} planned checks not reported")
            failed += self.plan - len(self.checks)
        if not self.checks and self.plan is None:
            self.problems.append("no check reported")
        failed += sum(1 for p in self.problems if "planned checks" not in p)
        for p in self.problems:
            self.log(f"FAIL {p}")
        if not a.keep_images:
            for sid in os.listdir(self.out):
                if sid.endswith(".img"):
                    os.unlink(os.path.join(self.out, sid))
        with open(os.path.join(self.out, "summary.json"), "w") as f:
            json.dump({"scenario": self.name, "passed": passed, "failed": failed,
                       "checks": self.checks, "problems": self.problems,
                       "booted_s": self.booted_at, "wall_s": round(wall, 3),
                       "exit": self.end_rc}, f, indent=1)
        self.log(f"{passed} passed, {failed} failed ({wall:.1f} s, log {self.out}/console.log)")
        print(f"vm: {passed} passed, {failed} failed", flush=True)
        return 0 if failed == 0 else 1


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("scenario")
    p.add_argument("--cache", default=os.path.join(HERE, ".cache", "current"),
                   help="setup.sh's folder (vmlinux or vmlinuz, initramfs.cpio)")
    p.add_argument("--kernel", help="default: CACHE/vmlinux, else CACHE/vmlinuz")
    p.add_argument("--initrd", help="base initramfs; default: CACHE/initramfs.cpio")
    p.add_argument("--cpio", action="append", default=[],
                   help="extra cpio appended to the initramfs (pack-binaries.sh)")
    p.add_argument("--file", action="append", default=[],
                   help="SRC[:DEST] host file copied into the guest (default /data/NAME)")
    p.add_argument("--stick", action="append", default=[], help="cold-plugged stick SPEC")
    p.add_argument("--timeout", type=float, default=120, help="hard limit in seconds")
    p.add_argument("--out", help="run folder; default .cache/runs/NAME")
    p.add_argument("--name", help="name in the result lines; default the scenario's")
    p.add_argument("--smp", type=int, default=1)
    p.add_argument("--cpu", default="qemu64")
    p.add_argument("--mem", type=int, default=512)
    p.add_argument("--append", default="", help="more kernel command-line words")
    p.add_argument("--keep-images", action="store_true")
    args = p.parse_args(argv)
    # The scenario's own "# vm:" options come first; the command line's after.
    header = []
    with open(args.scenario, encoding="utf-8") as f:
        for line in f:
            if line.startswith("# vm:"):
                header += shlex.split(line[len("# vm:"):])
    if header:
        pos = [w for w in argv if w == args.scenario]
        rest = [w for w in argv if w != args.scenario]
        args = p.parse_args(header + rest + pos)
    if not args.kernel:
        # The extracted ELF kernel boots through PVH, skipping decompression.
        args.kernel = os.path.join(args.cache, "vmlinux")
        if not os.path.isfile(args.kernel):
            args.kernel = os.path.join(args.cache, "vmlinuz")
    args.initrd = args.initrd or os.path.join(args.cache, "initramfs.cpio")
    return args


def main():
    args = parse_args(sys.argv[1:])
    for f in [args.kernel, args.initrd] + args.cpio:
        if not os.path.isfile(f):
            print(f"vm: missing {f} (run tests/vm/setup.sh)", file=sys.stderr)
            print("vm: 0 passed, 1 failed", flush=True)
            return 2
    try:
        return Run(args).run()
    except HarnessError as e:
        print(f"vm: {e}", file=sys.stderr)
        print("vm: 0 passed, 1 failed", flush=True)
        return 2


if __name__ == "__main__":
    sys.exit(main())
