#include "compute/libvirt/kvm_probe.hpp"

#include <fcntl.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

namespace neutrino::compute {
namespace {

constexpr int kPortWrites = 1000;
// On KVM with hardware virtualisation an exit to user space costs 2-5 us: 1000 take a few
// ms. A nested /dev/kvm measured here took 20 ms for them, and SeaBIOS then needed 21 s to
// reach a boot sector that TCG reaches in 0.35 s. --virt-type kvm overrides the probe.
constexpr auto kRunBudget = std::chrono::milliseconds(10);

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

std::string errno_text(const char* what) {
  return std::string(what) + ": " + std::strerror(errno);
}

// Real mode at 0x1000: mov cx,1000; mov dx,0x80; l: out dx,al; loop l; hlt.
std::string run_tiny_guest(int kvm) {
  const Fd vm(::ioctl(kvm, KVM_CREATE_VM, 0));
  if (vm.get() < 0) {
    return errno_text("/dev/kvm cannot create a VM");
  }
  void* memory = ::mmap(nullptr, 0x1000, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) {
    return errno_text("mmap");
  }
  const unsigned char code[] = {0xb9, 0xe8, 0x03, 0xba, 0x80, 0x00, 0xee, 0xe2, 0xfd, 0xf4};
  std::memcpy(memory, code, sizeof code);
  kvm_userspace_memory_region region{};
  region.guest_phys_addr = 0x1000;
  region.memory_size = 0x1000;
  region.userspace_addr = reinterpret_cast<uint64_t>(memory);
  std::string problem;
  const Fd vcpu(::ioctl(vm.get(), KVM_SET_USER_MEMORY_REGION, &region) < 0
                    ? -1
                    : ::ioctl(vm.get(), KVM_CREATE_VCPU, 0));
  const int run_size = ::ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
  void* run_area = vcpu.get() < 0 || run_size <= 0
                       ? MAP_FAILED
                       : ::mmap(nullptr, static_cast<size_t>(run_size), PROT_READ | PROT_WRITE,
                                MAP_SHARED, vcpu.get(), 0);
  kvm_sregs sregs{};
  kvm_regs regs{};
  regs.rip = 0x1000;
  regs.rflags = 0x2;
  if (run_area == MAP_FAILED || ::ioctl(vcpu.get(), KVM_GET_SREGS, &sregs) < 0) {
    problem = errno_text("/dev/kvm cannot create a vCPU");
  } else {
    sregs.cs.base = 0;
    sregs.cs.selector = 0;
    if (::ioctl(vcpu.get(), KVM_SET_SREGS, &sregs) < 0 ||
        ::ioctl(vcpu.get(), KVM_SET_REGS, &regs) < 0) {
      problem = errno_text("/dev/kvm cannot set the vCPU's registers");
    }
  }
  const auto started = std::chrono::steady_clock::now();
  int writes = 0;
  while (problem.empty()) {
    if (::ioctl(vcpu.get(), KVM_RUN, 0) < 0) {
      problem = errno_text("KVM_RUN");
      break;
    }
    const auto* run = static_cast<const kvm_run*>(run_area);
    if (run->exit_reason == KVM_EXIT_HLT) {
      break;
    }
    if (run->exit_reason != KVM_EXIT_IO) {
      problem = "the test guest stopped with KVM exit " + std::to_string(run->exit_reason);
    } else if (++writes > kPortWrites) {
      problem = "the test guest did not halt";
    } else if (std::chrono::steady_clock::now() - started > kRunBudget) {
      problem = "KVM runs guests too slowly here (" + std::to_string(writes) + " port writes in " +
                std::to_string(kRunBudget.count()) + " ms; nested without hardware support?)";
    }
  }
  if (problem.empty() && writes != kPortWrites) {
    problem = "the test guest wrote " + std::to_string(writes) + " times, not " +
              std::to_string(kPortWrites);
  }
  if (run_area != MAP_FAILED) {
    ::munmap(run_area, static_cast<size_t>(run_size));
  }
  ::munmap(memory, 0x1000);
  return problem;
}

}  // namespace

std::string kvm_device_unusable_reason() {
  const Fd kvm(::open("/dev/kvm", O_RDWR | O_CLOEXEC));
  if (kvm.get() < 0) {
    return errno_text("/dev/kvm");
  }
  const int version = ::ioctl(kvm.get(), KVM_GET_API_VERSION, 0);
  if (version != KVM_API_VERSION) {
    return "/dev/kvm speaks API " + std::to_string(version) + ", not " +
           std::to_string(KVM_API_VERSION);
  }
  return run_tiny_guest(kvm.get());
}

std::string kvm_unusable_reason(virConnectPtr connection) {
  if (std::string problem = kvm_device_unusable_reason(); !problem.empty()) {
    return problem;
  }
  char* caps = virConnectGetDomainCapabilities(connection, nullptr, "x86_64", nullptr, "kvm", 0);
  if (caps == nullptr) {
    return std::string("libvirt offers no kvm domains: ") + virGetLastErrorMessage();
  }
  const bool kvm = std::strstr(caps, "<domain>kvm</domain>") != nullptr;
  std::free(caps);
  return kvm ? "" : "libvirt's domain capabilities do not list kvm";
}

}  // namespace neutrino::compute
