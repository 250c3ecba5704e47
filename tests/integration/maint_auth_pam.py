#!/usr/bin/env python3
"""piiguard-maint-auth under the real libpam and pam_exec.

Run by maint_auth_pam_test.sh inside a private mount namespace where /run is
a tmpfs, /etc/pam.d holds only the test's service (common-auth's lines as
pam-auth-update writes them with the package's profile: the helper, then
pam_unix with try_first_pass, pam_deny, pam_permit) and /etc/passwd and
/etc/shadow have a piiguard-maint account (password locked) and a staff
account pgstaff with the password STAFF_PASSWORD. /dev is a tmpfs with the
few nodes needed, and /dev/log is this script's socket: what the helper and
pam_exec send to syslog is read back. Drives PAM through ctypes (no
headers needed) as sudo or login would: pam_start, pam_authenticate with a
conversation that answers the password prompt, pam_acct_mgmt.

Usage: maint_auth_pam.py HELPER_PATH MAINT_UID STAFF_PASSWORD
Prints "maint_auth_pam: N passed, N failed"; exits 1 on a failure.
"""
import ctypes
import ctypes.util
import hashlib
import os
import socket
import sys
import threading
import time

PAM_SUCCESS = 0
PAM_PROMPT_ECHO_OFF = 1
SERVICE = "piiguard-maint-test"
WINDOW_DIR = "/run/piiguard/maintenance"
WINDOW = WINDOW_DIR + "/window"
TRIES = WINDOW_DIR + "/tries"
PASSWORD = "ABCD-EFGH-JKMN-PQRS"


class PamMessage(ctypes.Structure):
    _fields_ = [("msg_style", ctypes.c_int), ("msg", ctypes.c_char_p)]


class PamResponse(ctypes.Structure):
    _fields_ = [("resp", ctypes.c_void_p), ("resp_retcode", ctypes.c_int)]


CONV_FUNC = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.c_int, ctypes.POINTER(ctypes.POINTER(PamMessage)),
    ctypes.POINTER(ctypes.POINTER(PamResponse)), ctypes.c_void_p)


class PamConv(ctypes.Structure):
    _fields_ = [("conv", CONV_FUNC), ("appdata_ptr", ctypes.c_void_p)]


libpam = ctypes.CDLL(ctypes.util.find_library("pam"))
libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.calloc.restype = ctypes.c_void_p
libc.calloc.argtypes = [ctypes.c_size_t, ctypes.c_size_t]
libc.strdup.restype = ctypes.c_void_p
libc.strdup.argtypes = [ctypes.c_char_p]
libpam.pam_start.argtypes = [ctypes.c_char_p, ctypes.c_char_p,
                             ctypes.POINTER(PamConv), ctypes.POINTER(ctypes.c_void_p)]
libpam.pam_authenticate.argtypes = [ctypes.c_void_p, ctypes.c_int]
libpam.pam_acct_mgmt.argtypes = [ctypes.c_void_p, ctypes.c_int]
libpam.pam_end.argtypes = [ctypes.c_void_p, ctypes.c_int]


PROMPTS = []


def authenticate(user, password, step="auth"):
    """PAM's answer for `user` typing `password` (PAM_SUCCESS is 0); the
    prompts shown are in PROMPTS."""
    prompts = PROMPTS
    prompts.clear()

    def conv(n, messages, responses, _data):
        array = libc.calloc(n, ctypes.sizeof(PamResponse))
        responses[0] = ctypes.cast(array, ctypes.POINTER(PamResponse))
        for i in range(n):
            prompts.append(messages[i].contents.msg)
            if messages[i].contents.msg_style == PAM_PROMPT_ECHO_OFF:
                responses[0][i].resp = libc.strdup(password.encode())
        return PAM_SUCCESS

    conv_func = CONV_FUNC(conv)
    handle = ctypes.c_void_p()
    rc = libpam.pam_start(SERVICE.encode(), user.encode(),
                          ctypes.byref(PamConv(conv_func, None)), ctypes.byref(handle))
    if rc != PAM_SUCCESS:
        return rc
    if step == "auth":
        rc = libpam.pam_authenticate(handle, 0)
    else:
        rc = libpam.pam_acct_mgmt(handle, 0)
    libpam.pam_end(handle, rc)
    return rc


def boot_id():
    with open("/proc/sys/kernel/random/boot_id") as f:
        return f.read().strip()


def write_window(uid, end_us, boot=None, mode=0o600, password=PASSWORD):
    normal = password.replace("-", "").upper()
    digest = hashlib.sha256(b"piiguard-maint-pw-v1\0" + normal.encode()).hexdigest()
    text = ("piiguard-maintenance-window v1\n"
            "account piiguard-maint\n"
            f"uid {uid}\n"
            "grant 123456789012\n"
            f"boot_id {boot or boot_id()}\n"
            f"end_boottime_us {end_us}\n"
            f"password_sha256 {digest}\n")
    os.makedirs(WINDOW_DIR, mode=0o700, exist_ok=True)
    tmp = WINDOW + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.chmod(tmp, mode)
    os.rename(tmp, WINDOW)


def now_us():
    return int(time.clock_gettime(time.CLOCK_BOOTTIME) * 1_000_000)


class Syslog:
    """/dev/log, read on a thread: a datagram socket's queue is short
    (net.unix.max_dgram_qlen), and libpam logs from this very thread."""

    MARK = "piiguard-test-mark"

    def __init__(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind("/dev/log")
        self.lines = []
        self.marked = threading.Condition()
        self.marks = 0
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        while True:
            line = self.sock.recv(4096).decode(errors="replace")
            with self.marked:
                if line == self.MARK:
                    self.marks += 1
                    self.marked.notify_all()
                else:
                    self.lines.append(line)

    def drain(self):
        """The lines sent since the last call. A mark sent now arrives after
        them (one socket, in order): once the reader has it, it has them."""
        with self.marked:
            want = self.marks + 1
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as out:
            out.sendto(self.MARK.encode(), "/dev/log")
        with self.marked:
            if not self.marked.wait_for(lambda: self.marks >= want, timeout=30):
                raise RuntimeError("syslog reader: the mark never came")
            lines, self.lines = self.lines, []
        return lines


def main():
    helper, uid, staff_password = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    results = []
    log = Syslog()

    def check(name, ok, detail=""):
        results.append(ok)
        print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + str(detail) if detail else ''}")

    def reset():
        for path in (WINDOW, TRIES):
            if os.path.lexists(path):
                os.unlink(path)

    def tries():
        return os.path.getsize(TRIES) if os.path.exists(TRIES) else 0

    with open(f"/etc/pam.d/{SERVICE}", "w") as f:
        line = f"pam_exec.so quiet quiet_log expose_authtok {helper}"
        f.write(f"auth\t[success=2 default=ignore]\t{line}\n"
                "auth\t[success=1 default=ignore]\tpam_unix.so nullok try_first_pass\n"
                "auth\trequisite\t\t\tpam_deny.so\n"
                "auth\trequired\t\t\tpam_permit.so\n"
                f"account\t[success=1 default=ignore]\tpam_exec.so quiet {helper}\n"
                "account\trequisite\t\t\tpam_deny.so\n"
                "account\trequired\t\t\tpam_permit.so\n")

    end = now_us() + 600_000_000
    write_window(uid, end)
    log.drain()
    check("the window's password lets piiguard-maint in",
          authenticate("piiguard-maint", PASSWORD) == PAM_SUCCESS)
    check("after one password prompt", len(PROMPTS) == 1, PROMPTS)
    lines = [line for line in log.drain() if "piiguard-maint-auth" in line]
    check("the helper logs one line, to auth (authpriv)",
          len(lines) == 1 and
          "accepted: piiguard-maint (piiguard-maint-test): grant 123456789012" in lines[0]
          and lines[0].startswith("<85>"), lines)
    check("typed in lower case with spaces",
          authenticate("piiguard-maint", "abcd efgh jkmn pqrs") == PAM_SUCCESS)
    check("no try recorded for them", tries() == 0, tries())
    check("another user is not let in by it",
          authenticate("pgstaff", PASSWORD) != PAM_SUCCESS)
    check("another user records no try", tries() == 0, tries())
    log.drain()
    check("another user's own password works as before (pam_unix)",
          authenticate("pgstaff", staff_password) == PAM_SUCCESS)
    check("after one password prompt, not two", len(PROMPTS) == 1, PROMPTS)
    lines = log.drain()
    check("and nothing of the helper in syslog (quiet_log)",
          not any("piiguard-maint-auth" in line or "pam_exec" in line for line in lines),
          lines)
    check("account step: the helper refuses any PAM_TYPE but auth",
          authenticate("piiguard-maint", PASSWORD, step="account") != PAM_SUCCESS)

    log.drain()
    rc = authenticate("piiguard-maint", "ABCD-EFGH-JKMN-PQRT")
    check("a wrong password is refused", rc != PAM_SUCCESS, rc)
    lines = log.drain()
    check("logged by the helper alone, without the password",
          any("wrong-password: piiguard-maint" in line and "(try 1 of 5)" in line
              for line in lines) and
          not any("PQRT" in line or "pam_exec" in line for line in lines), lines)
    st = os.stat(TRIES)
    check("it is recorded: tries is root's, 0600, one byte",
          (st.st_uid, st.st_mode & 0o7777, st.st_size) == (0, 0o600, 1),
          (st.st_uid, oct(st.st_mode & 0o7777), st.st_size))
    for _ in range(4):
        authenticate("piiguard-maint", "0000-0000-0000-0000")
    check("five failures recorded", tries() == 5, tries())
    check("then even the right password is refused",
          authenticate("piiguard-maint", PASSWORD) != PAM_SUCCESS)
    check("and the refusal is not counted again", tries() == 5, tries())

    reset()
    write_window(uid, end, mode=0o644)
    check("a window file 0644 is refused",
          authenticate("piiguard-maint", PASSWORD) != PAM_SUCCESS)
    reset()
    write_window(uid, end)
    os.rename(WINDOW, WINDOW_DIR + "/real")
    os.symlink(WINDOW_DIR + "/real", WINDOW)
    check("a window that is a symlink is refused",
          authenticate("piiguard-maint", PASSWORD) != PAM_SUCCESS)
    os.unlink(WINDOW_DIR + "/real")
    reset()
    write_window(uid, now_us() - 1)
    check("a window past its end is refused",
          authenticate("piiguard-maint", PASSWORD) != PAM_SUCCESS)
    reset()
    write_window(uid, end, boot="00000000-0000-4000-8000-000000000000")
    check("a window of another boot is refused",
          authenticate("piiguard-maint", PASSWORD) != PAM_SUCCESS)
    reset()
    write_window(uid + 1, end)
    check("a window for another uid is refused",
          authenticate("piiguard-maint", PASSWORD) != PAM_SUCCESS)
    reset()
    check("without a window it is refused",
          authenticate("piiguard-maint", PASSWORD) != PAM_SUCCESS)
    check("and the other user's password still works",
          authenticate("pgstaff", staff_password) == PAM_SUCCESS)
    check("and nothing was created", not os.path.exists(TRIES))
    write_window(uid, end)
    os.chmod(WINDOW_DIR, 0o777)
    check("a window directory others can write is refused",
          authenticate("piiguard-maint", PASSWORD) != PAM_SUCCESS)
    os.chmod(WINDOW_DIR, 0o700)
    check("the same window in a private directory lets it in",
          authenticate("piiguard-maint", PASSWORD) == PAM_SUCCESS)

    passed = sum(results)
    print(f"maint_auth_pam: {passed} passed, {len(results) - passed} failed")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
