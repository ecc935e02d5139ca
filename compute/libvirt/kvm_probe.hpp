#pragma once
// Whether this host can run KVM guests: /dev/kvm opens read-write, speaks KVM API 12, and a
// tiny guest (one vCPU writing 1000 bytes to an I/O port, then halting) runs on it at
// hardware speed; and libvirt's domain capabilities offer domain type kvm. Anything less
// means QEMU's TCG emulation ("qemu"). The speed check matters where /dev/kvm exists but is
// nested without hardware help: every VM exit then costs milliseconds, and a guest boots an
// order of magnitude slower than under TCG.
#include <string>

typedef struct _virConnect* virConnectPtr;

namespace neutrino::compute {

// Empty when KVM is usable; otherwise why not (for the log). No libvirt involved.
std::string kvm_device_unusable_reason();
// kvm_device_unusable_reason(), then libvirt's domain capabilities.
std::string kvm_unusable_reason(virConnectPtr connection);

}  // namespace neutrino::compute
