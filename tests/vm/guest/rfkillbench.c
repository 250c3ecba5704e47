/* rfkillbench: how fast an unblocked radio is blocked again, for the VM
 * tier's radio benchmark (docs/BENCHMARKS.md, "Radio").
 *
 *   rfkillbench TRIES IDX TIMEOUT_MS PAUSE_MS
 *
 * Each try waits until radio IDX is soft-blocked, then acts as "another
 * program": it writes RFKILL_OP_CHANGE soft=0 for IDX to /dev/rfkill and
 * reads the event stream until IDX is soft-blocked again (by whoever keeps
 * it blocked: piiguardd, or a shell loop). Per try it prints
 *   try N reblock_us=R window_us=W
 * R: from just before the unblock write to reading the block event.
 * W: from reading the unblock event to reading the block event: how long
 *    the event stream shows the radio usable.
 * Then "summary tries=N timeouts=T reblock_median_us=.. reblock_worst_us=..
 * window_median_us=.. window_worst_us=..". A try with no block within
 * TIMEOUT_MS is a timeout (the tool blocks the radio itself and goes on).
 * PAUSE_MS between tries lets the blocker finish its own work (journal).
 * Exit status: 0 done, 1 error, 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/rfkill.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long NowUs(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static int Cmp(const void* a, const void* b) {
  long long x = *(const long long*)a;
  long long y = *(const long long*)b;
  return (x > y) - (x < y);
}

static int Change(int fd, unsigned idx, int soft) {
  struct rfkill_event ev;
  memset(&ev, 0, sizeof ev);
  ev.idx = idx;
  ev.op = RFKILL_OP_CHANGE;
  ev.soft = (unsigned char)soft;
  return write(fd, &ev, sizeof ev) < 0 ? -1 : 0;
}

/* Reads events until IDX has soft state `soft`, or `deadline` passes.
 * Returns the time it was read, 0 on timeout, -1 on error. *state tracks
 * IDX's soft state as the stream shows it. */
static long long WaitFor(int fd, unsigned idx, int soft, long long deadline,
                         int* state) {
  for (;;) {
    struct rfkill_event ev;
    ssize_t n;
    while ((n = read(fd, &ev, sizeof ev)) >= (ssize_t)RFKILL_EVENT_SIZE_V1) {
      if (ev.idx != idx) continue;
      *state = ev.soft;
      if (ev.soft == soft) return NowUs();
    }
    if (n < 0 && errno != EAGAIN) return -1;
    long long left = deadline - NowUs();
    if (left <= 0) return 0;
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, (int)(left / 1000) + 1) < 0 && errno != EINTR) return -1;
  }
}

int main(int argc, char** argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: rfkillbench TRIES IDX TIMEOUT_MS PAUSE_MS\n");
    return 2;
  }
  int tries = atoi(argv[1]);
  unsigned idx = (unsigned)atoi(argv[2]);
  long long timeout_us = atoll(argv[3]) * 1000LL;
  int pause_ms = atoi(argv[4]);
  if (tries <= 0 || tries > 100000) return 2;
  int fd = open("/dev/rfkill", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    fprintf(stderr, "rfkillbench: open /dev/rfkill: %s\n", strerror(errno));
    return 1;
  }
  long long* reblock = calloc((size_t)tries, sizeof *reblock);
  long long* window = calloc((size_t)tries, sizeof *window);
  if (reblock == NULL || window == NULL) return 1;
  int state = -1;
  int done = 0;
  int timeouts = 0;
  for (int i = 0; i < tries; i++) {
    /* Start from a blocked radio (the ADD events on open, then changes). */
    if (state != 1 && WaitFor(fd, idx, 1, NowUs() + timeout_us, &state) <= 0) {
      Change(fd, idx, 1);
      if (WaitFor(fd, idx, 1, NowUs() + timeout_us, &state) <= 0) {
        fprintf(stderr, "rfkillbench: radio %u never blocked\n", idx);
        return 1;
      }
    }
    long long t0 = NowUs();
    if (Change(fd, idx, 0) < 0) {
      fprintf(stderr, "rfkillbench: write: %s\n", strerror(errno));
      return 1;
    }
    long long t_unblock = WaitFor(fd, idx, 0, t0 + timeout_us, &state);
    long long t_block =
        t_unblock > 0 ? WaitFor(fd, idx, 1, t0 + timeout_us, &state) : 0;
    if (t_unblock < 0 || t_block < 0) return 1;
    if (t_block == 0) {
      timeouts++;
      printf("try %d timeout\n", i);
      Change(fd, idx, 1);
    } else {
      reblock[done] = t_block - t0;
      window[done] = t_block - t_unblock;
      printf("try %d reblock_us=%lld window_us=%lld\n", i, reblock[done],
             window[done]);
      done++;
    }
    if (pause_ms > 0) usleep((useconds_t)pause_ms * 1000);
  }
  if (done > 0) {
    qsort(reblock, (size_t)done, sizeof *reblock, Cmp);
    qsort(window, (size_t)done, sizeof *window, Cmp);
  }
  printf(
      "summary tries=%d timeouts=%d reblock_median_us=%lld "
      "reblock_worst_us=%lld window_median_us=%lld window_worst_us=%lld\n",
      done, timeouts, done ? reblock[done / 2] : -1,
      done ? reblock[done - 1] : -1, done ? window[done / 2] : -1,
      done ? window[done - 1] : -1);
  close(fd);
  return 0;
}
