// LinuxBlockWriteGate: the BPF LSM program (bpf/write_gate.bpf.c) through
// libbpf. The object file is built with the agent and embedded
// (write_gate_bpf_object.h, generated): nothing is read from disk at run
// time.

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>

#include "common/os/block_write_gate.h"
#include "common/os/write_gate_bpf_object.h"
#include "common/unique_fd.h"

namespace piiguard::os {
namespace {

constexpr std::string_view kContext = "write gate";
// A device number no driver has (the largest major and minor): the proof's
// node. Opening it can only fail; the question is who refuses.
constexpr DeviceNumber kProbeDevice{4095, 0xfffff};

// The record the program writes for each denial (struct denial).
struct DenialRecord {
  uint64_t key;
  uint64_t count;
  uint32_t pid;
  uint32_t hook;
  char comm[16];
};

// libbpf's messages: warnings only, to stderr (the journal of the unit).
[[gnu::format(printf, 2, 0)]] int PrintLibbpf(enum libbpf_print_level level,
                                              const char* format,
                                              va_list args) {
  if (level != LIBBPF_WARN) return 0;
  return std::vfprintf(stderr, format, args);
}

std::string_view HookName(uint32_t hook) {
  switch (hook) {
    case 1:
      return "open";
    case 2:
      return "write";
    case 3:
      return "ioctl";
    case 4:
      return "mount";
    case 5:
      return "remount";
    default:
      return "unknown";
  }
}

}  // namespace

struct LinuxBlockWriteGate::Bpf {
  bpf_object* object = nullptr;
  std::vector<bpf_link*> links;
  ring_buffer* ring = nullptr;
  int allowed_fd = -1;
  int pending_fd = -1;
  std::vector<GateDenial> drained;
  bool probe_denied = false;

  Bpf() = default;
  Bpf(const Bpf&) = delete;
  Bpf& operator=(const Bpf&) = delete;
  ~Bpf() {
    Detach();
    if (ring != nullptr) ring_buffer__free(ring);
    if (object != nullptr) bpf_object__close(object);
  }
  void Detach() {
    for (bpf_link* link : links) bpf_link__destroy(link);
    links.clear();
  }
  static int OnRecord(void* self, void* data, size_t size) {
    if (size < sizeof(DenialRecord)) return 0;
    DenialRecord record{};
    std::memcpy(&record, data, sizeof(record));
    auto* bpf = static_cast<Bpf*>(self);
    GateDenial denial;
    denial.char_device = (record.key >> 32) != 0;
    denial.device = {static_cast<uint32_t>((record.key >> 20) & 0xfffU),
                     static_cast<uint32_t>(record.key & 0xfffffU)};
    if (denial.device == kProbeDevice && !denial.char_device) {
      bpf->probe_denied = true;
      return 0;
    }
    denial.count = static_cast<int64_t>(record.count);
    denial.operation = HookName(record.hook);
    denial.pid = static_cast<int>(record.pid);
    denial.process.assign(record.comm,
                          strnlen(record.comm, sizeof(record.comm)));
    bpf->drained.push_back(std::move(denial));
    return 0;
  }
};

std::unique_ptr<LinuxBlockWriteGate> LinuxBlockWriteGate::Load(
    std::string node_dir) {
  Result<std::unique_ptr<Bpf>> bpf = LoadProgram();
  Status error = bpf.ok() ? Status::Ok() : bpf.status();
  return std::unique_ptr<LinuxBlockWriteGate>(
      new LinuxBlockWriteGate(bpf.ok() ? std::move(*bpf) : nullptr,
                              std::move(error), std::move(node_dir)));
}

Result<std::unique_ptr<LinuxBlockWriteGate::Bpf>>
LinuxBlockWriteGate::LoadProgram() {
  libbpf_set_print(PrintLibbpf);
  auto bpf = std::make_unique<Bpf>();
  bpf_object_open_opts opts{};
  opts.sz = sizeof(opts);
  opts.object_name = "piiguard_gate";
  bpf->object = bpf_object__open_mem(kWriteGateBpfObject.data(),
                                     kWriteGateBpfObject.size(), &opts);
  if (bpf->object == nullptr) {
    return ErrnoStatus(kContext, "open", errno);
  }
  if (int err = bpf_object__load(bpf->object); err != 0) {
    return ErrnoStatus(kContext, "load", -err);
  }
  bpf_map* allowed = bpf_object__find_map_by_name(bpf->object, "allowed");
  bpf_map* denials = bpf_object__find_map_by_name(bpf->object, "denials");
  bpf_map* pending = bpf_object__find_map_by_name(bpf->object, "pending");
  if (allowed == nullptr || denials == nullptr || pending == nullptr) {
    return InternalError(kContext, "load", "maps missing from the object");
  }
  bpf->allowed_fd = bpf_map__fd(allowed);
  bpf->pending_fd = bpf_map__fd(pending);
  bpf->ring = ring_buffer__new(bpf_map__fd(denials), &Bpf::OnRecord, bpf.get(),
                               nullptr);
  if (bpf->ring == nullptr) {
    return ErrnoStatus(kContext, "ring buffer", errno);
  }
  return bpf;
}

LinuxBlockWriteGate::LinuxBlockWriteGate(std::unique_ptr<Bpf> bpf,
                                         Status load_error,
                                         std::string node_dir)
    : bpf_(std::move(bpf)),
      load_error_(std::move(load_error)),
      node_dir_(std::move(node_dir)) {}

LinuxBlockWriteGate::~LinuxBlockWriteGate() = default;

Status LinuxBlockWriteGate::Put(uint64_t key) {
  if (!bpf_) return Status::Ok();  // no gate: nothing to allow
  uint8_t value = 1;
  if (bpf_map_update_elem(bpf_->allowed_fd, &key, &value, BPF_ANY) != 0) {
    return ErrnoStatus(kContext, "allow", errno);
  }
  return Status::Ok();
}

Status LinuxBlockWriteGate::Allow(DeviceNumber device) {
  return Put(KernelDeviceKey(device, false));
}

Status LinuxBlockWriteGate::AllowChar(DeviceNumber device) {
  return Put(KernelDeviceKey(device, true));
}

Status LinuxBlockWriteGate::Revoke(DeviceNumber device) {
  if (!bpf_) return Status::Ok();
  uint64_t key = KernelDeviceKey(device, false);
  if (bpf_map_delete_elem(bpf_->allowed_fd, &key) != 0 && errno != ENOENT) {
    return ErrnoStatus(kContext, "revoke", errno);
  }
  // Refusals not yet reported belong to the device that had the number
  // (Revoke is called when it goes): the next one starts counting afresh.
  (void)bpf_map_delete_elem(bpf_->pending_fd, &key);
  return Status::Ok();
}

Status LinuxBlockWriteGate::Activate() {
  if (active_) return Status::Ok();
  if (!bpf_) return load_error_;
  bpf_program* program = nullptr;
  bpf_object__for_each_program(program, bpf_->object) {
    bpf_link* link = bpf_program__attach(program);
    if (link == nullptr) {
      int err = errno;
      bpf_->Detach();
      return ErrnoStatus(kContext, bpf_program__name(program), err);
    }
    bpf_->links.push_back(link);
  }
  if (Status proved = Prove(); !proved.ok()) {
    bpf_->Detach();
    return proved;
  }
  active_ = true;
  return Status::Ok();
}

Status LinuxBlockWriteGate::Prove() {
  // A kernel whose LSM list lacks "bpf" attaches the programs and never
  // runs them: only a refusal that the program itself reports proves it.
  std::string node = node_dir_ + "/write-gate-probe";
  (void)::unlink(node.c_str());
  if (::mknod(node.c_str(), S_IFBLK | 0600,
              makedev(kProbeDevice.major, kProbeDevice.minor)) != 0) {
    return ErrnoStatus(kContext, node, errno);
  }
  bpf_->probe_denied = false;
  UniqueFd fd(::open(node.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC));
  int err = errno;
  (void)::unlink(node.c_str());
  if (fd.get() >= 0) {
    return InternalError(kContext, "proof", "a device without a driver opened");
  }
  if (ring_buffer__consume(bpf_->ring) < 0 || err != EPERM ||
      !bpf_->probe_denied) {
    return FailedPreconditionError(
        kContext, "bpf-lsm",
        "the kernel does not run BPF LSM programs (\"bpf\" missing from "
        "its lsm= list?): opening a device without a driver gave " +
            std::string(std::strerror(err)));
  }
  return Status::Ok();
}

int LinuxBlockWriteGate::fd() const {
  return active_ ? ring_buffer__epoll_fd(bpf_->ring) : -1;
}

Result<std::vector<GateDenial>> LinuxBlockWriteGate::Drain() {
  if (!bpf_) return std::vector<GateDenial>{};
  if (int n = ring_buffer__poll(bpf_->ring, 0); n < 0 && n != -EINTR) {
    return ErrnoStatus(kContext, "denials", -n);
  }
  std::vector<GateDenial> out;
  out.swap(bpf_->drained);
  return out;
}

}  // namespace piiguard::os
