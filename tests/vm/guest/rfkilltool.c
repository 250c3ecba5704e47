/* rfkilltool: radio switches through /dev/rfkill, for the VM tier's guest
 * (busybox has no rfkill applet).
 *
 *   rfkilltool list                 one line per radio: "IDX TYPE soft=S
 * hard=H" rfkilltool block TYPE           RFKILL_OP_CHANGE_ALL soft=1 for TYPE
 *   rfkilltool unblock TYPE         RFKILL_OP_CHANGE_ALL soft=0 for TYPE
 *   rfkilltool watch COUNT MS       prints "ready" once the device is open,
 * then each event as "EVENT IDX TYPE soft=S hard=H" until COUNT events or MS ms
 * pass quietly
 *
 * TYPE is all, wlan, bluetooth, uwb, wimax, wwan, gps, fm or nfc.
 * Exit status: 0 done, 1 error or watch timed out, 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/rfkill.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char* const kTypes[] = {
    "all", "wlan", "bluetooth", "uwb", "wimax", "wwan", "gps", "fm", "nfc"};
static const int kTypeCount = (int)(sizeof kTypes / sizeof kTypes[0]);

static const char* TypeName(unsigned type) {
  return type < (unsigned)kTypeCount ? kTypes[type] : "unknown";
}

static const char* OpName(unsigned op) {
  switch (op) {
    case RFKILL_OP_ADD:
      return "add";
    case RFKILL_OP_DEL:
      return "del";
    case RFKILL_OP_CHANGE:
      return "change";
    case RFKILL_OP_CHANGE_ALL:
      return "change_all";
    default:
      return "unknown";
  }
}

static int ParseType(const char* name) {
  for (int i = 0; i < kTypeCount; i++) {
    if (strcmp(name, kTypes[i]) == 0) return i;
  }
  return -1;
}

/* Reads one event; returns 1 on an event, 0 when none is pending, -1 on error.
 * Older kernels send the 8-byte v1 event, so a short read of at least
 * RFKILL_EVENT_SIZE_V1 is accepted. */
static int ReadEvent(int fd, struct rfkill_event* ev) {
  memset(ev, 0, sizeof *ev);
  ssize_t n = read(fd, ev, sizeof *ev);
  if (n < 0) return errno == EAGAIN ? 0 : -1;
  return n >= (ssize_t)RFKILL_EVENT_SIZE_V1 ? 1 : -1;
}

static void PrintEvent(const struct rfkill_event* ev, int with_op) {
  if (with_op) printf("%s ", OpName(ev->op));
  printf("%u %s soft=%u hard=%u\n", ev->idx, TypeName(ev->type), ev->soft,
         ev->hard);
  fflush(stdout);
}

/* On open, the kernel queues one RFKILL_OP_ADD event per radio: reading them
 * without blocking lists the radios. */
static int List(int fd) {
  struct rfkill_event ev;
  int r;
  while ((r = ReadEvent(fd, &ev)) == 1) PrintEvent(&ev, 0);
  return r < 0 ? 1 : 0;
}

static int ChangeAll(int fd, int type, int soft) {
  struct rfkill_event ev;
  memset(&ev, 0, sizeof ev);
  ev.op = RFKILL_OP_CHANGE_ALL;
  ev.type = (unsigned char)type;
  ev.soft = (unsigned char)soft;
  if (write(fd, &ev, sizeof ev) < 0) {
    fprintf(stderr, "rfkilltool: write /dev/rfkill: %s\n", strerror(errno));
    return 1;
  }
  return 0;
}

static int Watch(int fd, long count, int timeout_ms) {
  struct rfkill_event ev;
  int r;
  /* The queued ADD events describe the present state, not changes. */
  while ((r = ReadEvent(fd, &ev)) == 1) {
  }
  if (r < 0) return 1;
  printf("ready\n");
  fflush(stdout);
  for (long seen = 0; seen < count;) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int n = poll(&p, 1, timeout_ms);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      printf("timeout\n");
      return 1;
    }
    while ((r = ReadEvent(fd, &ev)) == 1) {
      PrintEvent(&ev, 1);
      seen++;
    }
    if (r < 0) return 1;
  }
  return 0;
}

static int Usage(void) {
  fprintf(stderr,
          "usage: rfkilltool list | block TYPE | unblock TYPE | "
          "watch COUNT MS\n");
  return 2;
}

int main(int argc, char** argv) {
  if (argc < 2) return Usage();
  const char* cmd = argv[1];
  int is_change = strcmp(cmd, "block") == 0 || strcmp(cmd, "unblock") == 0;
  int type = -1;
  if (is_change) {
    if (argc != 3 || (type = ParseType(argv[2])) < 0) return Usage();
  } else if (strcmp(cmd, "watch") == 0) {
    if (argc != 4) return Usage();
  } else if (strcmp(cmd, "list") != 0 || argc != 2) {
    return Usage();
  }
  int fd = open("/dev/rfkill",
                (is_change ? O_RDWR : O_RDONLY) | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    fprintf(stderr, "rfkilltool: open /dev/rfkill: %s\n", strerror(errno));
    return 1;
  }
  int rc;
  if (is_change) {
    rc = ChangeAll(fd, type, strcmp(cmd, "block") == 0);
  } else if (strcmp(cmd, "watch") == 0) {
    rc = Watch(fd, strtol(argv[2], NULL, 10), (int)strtol(argv[3], NULL, 10));
  } else {
    rc = List(fd);
  }
  close(fd);
  return rc;
}
