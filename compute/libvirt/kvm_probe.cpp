#include "compute/libvirt/kvm_probe.hpp"

#include <fcntl.h>
#include <libvirt/libvirt.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace neutrino::compute {
namespace {

std::string device_problem() {
  const int kvm = ::open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (kvm < 0) {
    return std::string("/dev/kvm: ") + std::strerror(errno);
  }
  std::string problem;
  const int version = ::ioctl(kvm, KVM_GET_API_VERSION, 0);
  if (version != KVM_API_VERSION) {
    problem = "/dev/kvm speaks API " + std::to_string(version) + ", not " +
              std::to_string(KVM_API_VERSION);
  } else if (const int vm = ::ioctl(kvm, KVM_CREATE_VM, 0); vm < 0) {
    problem = std::string("/dev/kvm cannot create a VM: ") + std::strerror(errno);
  } else {
    ::close(vm);
  }
  ::close(kvm);
  return problem;
}

}  // namespace

std::string kvm_unusable_reason(virConnectPtr connection) {
  if (std::string problem = device_problem(); !problem.empty()) {
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
