/* ueventmon: the kernel's uevents over netlink (there is no udevd in the
 * guest), for the VM tier's guest.
 *
 *   ueventmon [-s SUBSYSTEM] [-n COUNT] [-t MS]
 *
 * Prints "ready" once the socket is bound (events from then on are seen),
 * then one line per uevent:
 *   ACTION SUBSYSTEM DEVTYPE DEVNAME DEVPATH
 * with "-" for a missing field. Stops after COUNT events (default: never) or
 * when MS ms pass without one (default: never; prints "timeout", exit 1).
 */
#include <errno.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Returns the value of KEY in the NUL-separated KEY=VALUE list, or "-". */
static const char* Field(const char* buf, size_t len, const char* key) {
  size_t klen = strlen(key);
  for (size_t i = 0; i < len; i += strlen(buf + i) + 1) {
    if (strncmp(buf + i, key, klen) == 0 && buf[i + klen] == '=') {
      return buf + i + klen + 1;
    }
  }
  return "-";
}

int main(int argc, char** argv) {
  const char* subsystem = NULL;
  long count = -1;
  int timeout_ms = -1;
  int opt;
  while ((opt = getopt(argc, argv, "s:n:t:")) != -1) {
    switch (opt) {
      case 's':
        subsystem = optarg;
        break;
      case 'n':
        count = strtol(optarg, NULL, 10);
        break;
      case 't':
        timeout_ms = (int)strtol(optarg, NULL, 10);
        break;
      default:
        fprintf(stderr, "usage: ueventmon [-s SUBSYSTEM] [-n COUNT] [-t MS]\n");
        return 2;
    }
  }
  int fd =
      socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
  if (fd < 0) {
    perror("ueventmon: socket");
    return 1;
  }
  /* Group 1 carries the kernel's own uevents (udevd re-sends on group 2). */
  struct sockaddr_nl addr = {.nl_family = AF_NETLINK, .nl_groups = 1};
  if (bind(fd, (struct sockaddr*)&addr, sizeof addr) != 0) {
    perror("ueventmon: bind");
    return 1;
  }
  int rcvbuf = 4 << 20;
  (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf);
  printf("ready\n");
  fflush(stdout);

  static char buf[16384];
  for (long seen = 0; count < 0 || seen < count;) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int n = poll(&p, 1, timeout_ms);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      printf("timeout\n");
      return 1;
    }
    ssize_t len = recv(fd, buf, sizeof buf - 1, 0);
    if (len <= 0) {
      if (len < 0 && (errno == EINTR || errno == ENOBUFS)) continue;
      perror("ueventmon: recv");
      return 1;
    }
    buf[len] = '\0';
    /* Kernel messages start with "ACTION@DEVPATH"; skip anything else. */
    if (strchr(buf, '@') == NULL) continue;
    const char* sub = Field(buf, (size_t)len, "SUBSYSTEM");
    if (subsystem != NULL && strcmp(sub, subsystem) != 0) continue;
    printf("%s %s %s %s %s\n", Field(buf, (size_t)len, "ACTION"), sub,
           Field(buf, (size_t)len, "DEVTYPE"),
           Field(buf, (size_t)len, "DEVNAME"),
           Field(buf, (size_t)len, "DEVPATH"));
    fflush(stdout);
    seen++;
  }
  return 0;
}
