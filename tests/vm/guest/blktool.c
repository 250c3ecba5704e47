/* blktool: the block layer's read-only flag and a raw write, for the VM tier's
 * guest.
 *
 *   blktool getro DEV      prints 1 or 0 (BLKROGET)
 *   blktool setro DEV      BLKROSET 1
 *   blktool setrw DEV      BLKROSET 0
 *   blktool rewrite DEV    reads the first 4 KiB of DEV and writes them back
 *                          in place (data unchanged if it succeeds), then
 *                          fsync; prints "ok" or "error ERRNAME message"
 *
 * Exit status: 0 done (rewrite: the write succeeded), 1 error, 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static const char* ErrName(int err) {
  switch (err) {
    case EROFS:
      return "EROFS";
    case EPERM:
      return "EPERM";
    case EACCES:
      return "EACCES";
    case EIO:
      return "EIO";
    default:
      return "E?";
  }
}

static int Fail(const char* what, const char* dev) {
  int err = errno;
  printf("error %s %s %s: %s\n", ErrName(err), what, dev, strerror(err));
  return 1;
}

static int Rewrite(const char* dev) {
  char buf[4096];
  int fd = open(dev, O_RDWR | O_CLOEXEC);
  /* A read-only block device still opens for writing ("legacy"); the write
   * itself is refused. */
  if (fd < 0) return Fail("open", dev);
  ssize_t n = pread(fd, buf, sizeof buf, 0);
  if (n <= 0) {
    if (n == 0) errno = EIO;
    Fail("read", dev);
    close(fd);
    return 1;
  }
  if (pwrite(fd, buf, (size_t)n, 0) != n || fsync(fd) != 0) {
    Fail("write", dev);
    close(fd);
    return 1;
  }
  close(fd);
  printf("ok\n");
  return 0;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: blktool getro|setro|setrw|rewrite DEV\n");
    return 2;
  }
  const char* cmd = argv[1];
  const char* dev = argv[2];
  if (strcmp(cmd, "rewrite") == 0) return Rewrite(dev);
  int fd = open(dev, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Fail("open", dev);
  int rc = 0;
  if (strcmp(cmd, "getro") == 0) {
    int ro = 0;
    if (ioctl(fd, BLKROGET, &ro) != 0) {
      rc = Fail("BLKROGET", dev);
    } else {
      printf("%d\n", ro);
    }
  } else if (strcmp(cmd, "setro") == 0 || strcmp(cmd, "setrw") == 0) {
    int ro = strcmp(cmd, "setro") == 0;
    if (ioctl(fd, BLKROSET, &ro) != 0) rc = Fail("BLKROSET", dev);
  } else {
    fprintf(stderr, "blktool: unknown command %s\n", cmd);
    rc = 2;
  }
  close(fd);
  return rc;
}
