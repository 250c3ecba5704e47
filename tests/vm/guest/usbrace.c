/* usbrace: races a USB stick's arrival, for the USB benchmark
 * (scenarios/usb_bench.sh, docs/BENCHMARKS.md "USB").
 *
 *   usbrace MS [UID]
 *
 * Prints "ready" once its uevent socket is bound, then waits for the next
 * USB device "add" and the first block disk "add" after it. From the disk's
 * uevent on, for MS milliseconds, it opens /dev/DISK for writing and
 * pwrite()s 512 bytes at offset 1 MiB as fast as it can, and polls BLKROGET.
 * Prints one line:
 *   race disk=sda auth_us=N ro_us=N writes_ok=N attempts=N
 * auth_us: from the USB device's uevent until its `authorized` reads 1
 * (the decision; -1 if never); ro_us: from the disk's uevent until BLKROGET
 * is 1 (-1 if never); writes_ok: writes that succeeded (any is a write that
 * reached the stick before it was read-only). Times are CLOCK_MONOTONIC as
 * seen by this process after it read the uevent. With UID, the writer drops
 * to that user first (the threat of DESIGN.md: a user who is not root; the
 * device node is root's until udev hands it on).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

static long long NowUs(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static const char* Field(const char* buf, size_t len, const char* key) {
  size_t klen = strlen(key);
  for (size_t i = 0; i < len; i += strlen(buf + i) + 1) {
    if (strncmp(buf + i, key, klen) == 0 && buf[i + klen] == '=') {
      return buf + i + klen + 1;
    }
  }
  return "";
}

static int ReadAuthorized(const char* path) {
  char buf[4] = {0};
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, sizeof(buf) - 1);
  close(fd);
  return n > 0 && buf[0] == '1';
}

int main(int argc, char** argv) {
  if (argc != 2 && argc != 3) {
    fprintf(stderr, "usage: usbrace MS [UID]\n");
    return 2;
  }
  long ms = atol(argv[1]);
  int sock =
      socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
  struct sockaddr_nl addr = {.nl_family = AF_NETLINK, .nl_groups = 1};
  if (sock < 0 || bind(sock, (struct sockaddr*)&addr, sizeof(addr)) != 0) {
    perror("usbrace: netlink");
    return 1;
  }
  if (argc == 3 && (setgid((gid_t)atoi(argv[2])) != 0 ||
                    setuid((uid_t)atoi(argv[2])) != 0)) {
    perror("usbrace: setuid");
    return 1;
  }
  printf("ready\n");
  fflush(stdout);
  static char buf[8192];
  char auth_path[512] = "";
  long long usb_t0 = 0, auth_us = -1;
  char disk[32] = "";
  long long disk_t0 = 0;
  while (disk[0] == '\0') {
    struct pollfd p = {.fd = sock, .events = POLLIN};
    /* While waiting for the disk, watch the device's authorization. */
    int r = poll(&p, 1, usb_t0 != 0 && auth_us < 0 ? 0 : 60000);
    if (usb_t0 != 0 && auth_us < 0 && ReadAuthorized(auth_path) == 1) {
      auth_us = NowUs() - usb_t0;
    }
    if (r < 0 && errno != EINTR) return 1;
    if (r == 0 && usb_t0 == 0) {
      printf("race timeout\n");
      return 1;
    }
    if (r <= 0) continue;
    ssize_t n = recv(sock, buf, sizeof(buf) - 1, 0);
    if (n <= 0) continue;
    buf[n] = '\0';
    long long t = NowUs();
    if (strncmp(buf, "add@", 4) != 0) continue;
    const char* subsystem = Field(buf, (size_t)n, "SUBSYSTEM");
    const char* devtype = Field(buf, (size_t)n, "DEVTYPE");
    if (usb_t0 == 0 && strcmp(subsystem, "usb") == 0 &&
        strcmp(devtype, "usb_device") == 0) {
      usb_t0 = t;
      snprintf(auth_path, sizeof(auth_path), "/sys%s/authorized",
               Field(buf, (size_t)n, "DEVPATH"));
    } else if (strcmp(subsystem, "block") == 0 &&
               strcmp(devtype, "disk") == 0) {
      snprintf(disk, sizeof(disk), "%s", Field(buf, (size_t)n, "DEVNAME"));
      disk_t0 = t;
      if (auth_us < 0 && usb_t0 != 0) auth_us = t - usb_t0; /* configured */
    }
  }
  char node[64];
  snprintf(node, sizeof(node), "/dev/%s", disk);
  char block[512];
  memset(block, 0x5a, sizeof(block));
  long long ro_us = -1;
  long writes_ok = 0, attempts = 0;
  int ro_fd = -1;
  while (NowUs() - disk_t0 < ms * 1000) {
    int fd = open(node, O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
      attempts++;
      if (pwrite(fd, block, sizeof(block), 1 << 20) == (ssize_t)sizeof(block))
        writes_ok++;
      close(fd);
    }
    if (ro_us < 0) {
      if (ro_fd < 0) ro_fd = open(node, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
      int ro = 0;
      if (ro_fd >= 0 && ioctl(ro_fd, BLKROGET, &ro) == 0 && ro)
        ro_us = NowUs() - disk_t0;
    }
  }
  printf("race disk=%s auth_us=%lld ro_us=%lld writes_ok=%ld attempts=%ld\n",
         disk, auth_us, ro_us, writes_ok, attempts);
  return 0;
}
