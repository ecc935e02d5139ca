#pragma once
// Whether this host can run KVM guests: /dev/kvm opens read-write, speaks KVM API 12 and
// creates a VM, and libvirt's domain capabilities offer domain type kvm. Anything less means
// QEMU's TCG emulation ("qemu"), as on machines without hardware virtualisation.
#include <string>

typedef struct _virConnect* virConnectPtr;

namespace neutrino::compute {

// Empty when KVM is usable; otherwise why not (for the log).
std::string kvm_unusable_reason(virConnectPtr connection);

}  // namespace neutrino::compute
