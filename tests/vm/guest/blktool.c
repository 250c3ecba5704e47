/* blktool: the block layer's read-only flag and a raw write, for the VM tier's
 * guest.
 *
 *   blktool getro DEV      prints 1 or 0 (BLKROGET)
 *   blktool setro DEV      BLKROSET 1
 *   blktool setrw DEV      BLKROSET 0
 *   blktool rewrite DEV    reads the first 4 KiB of DEV and writes them back
 *                          in place (data unchanged if it succeeds), then
 *                          fsync; prints "ok" or "error ERRNAME message"
 *   blktool sgwrite DEV    the same through SCSI pass-through on a descriptor
 *                          opened READ-ONLY: SG_IO READ(10) of sector 0,
 *                          then SG_IO WRITE(10) of the same bytes (root's
 *                          CAP_SYS_RAWIO lets the kernel pass any command;
 *                          BLKROSET does not stop it)
 *
 * Exit status: 0 done (rewrite: the write succeeded), 1 error, 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <scsi/sg.h>
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

/* One SG_IO command of 10 bytes moving 512 bytes; 0 or -1 (errno set, EIO
 * for a SCSI error). */
static int Sg(int fd, unsigned char op, unsigned char* buf, int to_device) {
  unsigned char cdb[10] = {op, 0, 0, 0, 0, 0, 0, 0, 1, 0}; /* LBA 0, 1 block */
  unsigned char sense[32];
  struct sg_io_hdr io;
  memset(&io, 0, sizeof io);
  io.interface_id = 'S';
  io.dxfer_direction = to_device ? SG_DXFER_TO_DEV : SG_DXFER_FROM_DEV;
  io.cmd_len = sizeof cdb;
  io.cmdp = cdb;
  io.dxfer_len = 512;
  io.dxferp = buf;
  io.mx_sb_len = sizeof sense;
  io.sbp = sense;
  io.timeout = 10000;
  if (ioctl(fd, SG_IO, &io) != 0) return -1;
  if (io.status != 0 || io.host_status != 0 || io.driver_status != 0) {
    errno = EIO;
    return -1;
  }
  return 0;
}

static int SgWrite(const char* dev) {
  unsigned char buf[512];
  int fd = open(dev, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return Fail("open", dev);
  int rc = 0;
  if (Sg(fd, 0x28, buf, 0) != 0) {
    rc = Fail("SG_IO READ(10)", dev);
  } else if (Sg(fd, 0x2a, buf, 1) != 0) {
    rc = Fail("SG_IO WRITE(10)", dev);
  } else {
    printf("ok\n");
  }
  close(fd);
  return rc;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: blktool getro|setro|setrw|rewrite|sgwrite DEV\n");
    return 2;
  }
  const char* cmd = argv[1];
  const char* dev = argv[2];
  if (strcmp(cmd, "rewrite") == 0) return Rewrite(dev);
  if (strcmp(cmd, "sgwrite") == 0) return SgWrite(dev);
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
