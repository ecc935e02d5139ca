#pragma once
// What a guest is made of, in plain data: DomainXml renders it as libvirt domain XML and
// FakeComputeDriver keeps it as it is.
#include <cstdint>
#include <string>
#include <vector>

namespace neutrino::compute {

// One NIC: a tap libvirt creates and plugs into an Open vSwitch bridge with
// external_ids:iface-id = port_id (<virtualport type='openvswitch'>), as Nova does.
struct VifSpec {
  std::string port_id;
  std::string mac_address;
  std::string bridge = "br-int";
  int mtu = 0;  // 0: the bridge's
  // false: the guest fills in every checksum itself. Open vSwitch's userspace (netdev) datapath
  // reads the tap without its virtio-net header, so a frame whose checksum the guest left to
  // the host arrives unfinished and conntrack drops it as invalid (security groups).
  bool checksum_offload = true;

  // Nova's device name: "tap" + the first 11 characters of the port id (15 at most).
  std::string tap_name() const { return ("tap" + port_id).substr(0, 14); }
};

struct DomainSpec {
  std::string name;                // "instance-0000000a"
  std::string uuid;                // the instance's uuid, also the SMBIOS serial cloud-init reads
  std::string hostname;            // shown as the domain's title
  std::string virt_type = "qemu";  // "kvm" or "qemu" (TCG)
  int64_t memory_mb = 64;
  int vcpus = 1;
  std::string disk_path;  // <instances>/<uuid>/disk
  std::string disk_format = "qcow2";
  std::string disk_cache = "none";  // "writethrough" where O_DIRECT is not supported
  // Direct kernel boot when kernel_path is set (initrd and command line optional).
  std::string kernel_path;
  std::string ramdisk_path;
  std::string kernel_cmdline;
  std::string console_log_path;  // <instances>/<uuid>/console.log
  std::vector<VifSpec> vifs;
};

}  // namespace neutrino::compute
