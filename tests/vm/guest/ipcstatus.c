/* ipcstatus: how long piiguardd takes to answer `status` on its local
 * socket, for the VM tier's guest. `piiguard status` measures the daemon
 * plus the start of an ASan-built program under TCG (seconds); this
 * measures the daemon alone.
 *
 *   ipcstatus [-p] [SOCKET [TIMEOUT_MS]]
 *                          default /run/piiguard/agent.sock, 5000
 *
 * Sends one framed request (4-byte big-endian length, then
 * {"op":"status"}: agent/ipc) and waits for the framed answer. Prints
 * "MS BYTES" (milliseconds from connect to the whole answer, answer size),
 * or with -p the answer itself (the JSON `piiguard status --json` shows,
 * without starting that program).
 * Exit status: 0 answered, 1 no answer in time or an error, 2 usage.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static long long NowMs(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(int argc, char** argv) {
  int print = argc > 1 && strcmp(argv[1], "-p") == 0;
  argc -= print;
  argv += print;
  const char* path = argc > 1 ? argv[1] : "/run/piiguard/agent.sock";
  long timeout = argc > 2 ? strtol(argv[2], NULL, 10) : 5000;
  if (argc > 3 || timeout <= 0) {
    fprintf(stderr, "usage: ipcstatus [-p] [SOCKET [TIMEOUT_MS]]\n");
    return 2;
  }
  long long start = NowMs();
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  strncpy(addr.sun_path, path, sizeof addr.sun_path - 1);
  if (fd < 0 || connect(fd, (struct sockaddr*)&addr, sizeof addr) != 0) {
    printf("error connect %s\n", strerror(errno));
    return 1;
  }
  static const char kRequest[] = "{\"op\":\"status\"}";
  unsigned char frame[4 + sizeof kRequest];
  size_t n = sizeof kRequest - 1;
  frame[0] = 0;
  frame[1] = 0;
  frame[2] = (unsigned char)(n >> 8);
  frame[3] = (unsigned char)n;
  memcpy(frame + 4, kRequest, n);
  if (write(fd, frame, 4 + n) != (ssize_t)(4 + n)) {
    printf("error write %s\n", strerror(errno));
    return 1;
  }
  unsigned char answer[65536];
  size_t used = 0;
  size_t want = 0;
  for (;;) {
    long left = timeout - (long)(NowMs() - start);
    struct pollfd p = {fd, POLLIN, 0};
    if (left <= 0 || poll(&p, 1, (int)left) != 1) {
      printf("timeout %ld ms\n", timeout);
      return 1;
    }
    ssize_t got = read(fd, answer + used, sizeof answer - used);
    if (got <= 0) {
      printf("error read %s\n", got == 0 ? "closed" : strerror(errno));
      return 1;
    }
    used += (size_t)got;
    if (want == 0 && used >= 4) {
      want = 4 + (((size_t)answer[0] << 24) | ((size_t)answer[1] << 16) |
                  ((size_t)answer[2] << 8) | answer[3]);
    }
    if (want != 0 && used >= want) break;
    if (used == sizeof answer) {
      printf("error answer too large\n");
      return 1;
    }
  }
  if (print) {
    fwrite(answer + 4, 1, want - 4, stdout);
    putchar('\n');
  } else {
    printf("%lld %zu\n", NowMs() - start, want - 4);
  }
  return 0;
}
