#include "compute/libvirt/domain_xml.hpp"

#include <sstream>

namespace neutrino::compute {
namespace {

void write_os(std::ostringstream& out, const DomainSpec& spec) {
  out << "  <os>\n    <type arch='x86_64'>hvm</type>\n";
  if (!spec.kernel_path.empty()) {
    out << "    <kernel>" << xml_escape(spec.kernel_path) << "</kernel>\n";
    if (!spec.ramdisk_path.empty()) {
      out << "    <initrd>" << xml_escape(spec.ramdisk_path) << "</initrd>\n";
    }
    if (!spec.kernel_cmdline.empty()) {
      out << "    <cmdline>" << xml_escape(spec.kernel_cmdline) << "</cmdline>\n";
    }
  } else {
    out << "    <boot dev='hd'/>\n";
  }
  out << "    <smbios mode='sysinfo'/>\n  </os>\n";
}

// The SMBIOS strings Nova sets: cloud-init's OpenStack datasource looks for this product
// name, and the serial and uuid name the instance.
void write_sysinfo(std::ostringstream& out, const DomainSpec& spec) {
  const std::string uuid = xml_escape(spec.uuid);
  out << "  <sysinfo type='smbios'>\n    <system>\n"
      << "      <entry name='manufacturer'>OpenStack Foundation</entry>\n"
      << "      <entry name='product'>OpenStack Nova</entry>\n"
      << "      <entry name='version'>0.1.0</entry>\n"
      << "      <entry name='serial'>" << uuid << "</entry>\n"
      << "      <entry name='uuid'>" << uuid << "</entry>\n"
      << "      <entry name='family'>Virtual Machine</entry>\n"
      << "    </system>\n  </sysinfo>\n";
}

void write_interface(std::ostringstream& out, const VifSpec& vif) {
  out << "    <interface type='bridge'>\n"
      << "      <mac address='" << xml_escape(vif.mac_address) << "'/>\n"
      << "      <source bridge='" << xml_escape(vif.bridge) << "'/>\n"
      << "      <virtualport type='openvswitch'>\n"
      << "        <parameters interfaceid='" << xml_escape(vif.port_id) << "'/>\n"
      << "      </virtualport>\n"
      << "      <target dev='" << xml_escape(vif.tap_name()) << "'/>\n"
      << "      <model type='virtio'/>\n";
  if (!vif.checksum_offload) {
    // The segmentation offloads need the checksum one: off with it, as QEMU wants.
    out << "      <driver name='qemu'>\n"
        << "        <host csum='off' gso='off' tso4='off' tso6='off' ecn='off' ufo='off'/>\n"
        << "      </driver>\n";
  }
  if (vif.mtu > 0) {
    out << "      <mtu size='" << vif.mtu << "'/>\n";
  }
  out << "    </interface>\n";
}

void write_devices(std::ostringstream& out, const DomainSpec& spec) {
  out << "  <devices>\n"
      << "    <disk type='file' device='disk'>\n"
      << "      <driver name='qemu' type='" << xml_escape(spec.disk_format) << "' cache='"
      << xml_escape(spec.disk_cache) << "'/>\n"
      << "      <source file='" << xml_escape(spec.disk_path) << "'/>\n"
      << "      <target dev='vda' bus='virtio'/>\n"
      << "    </disk>\n";
  for (const auto& vif : spec.vifs) {
    write_interface(out, vif);
  }
  // A pty whose output virtlogd copies to console.log: virtlogd caps and rotates the file,
  // so a guest printing without end cannot fill the host's disk (a <serial type='file'>
  // would grow forever).
  out << "    <serial type='pty'>\n";
  if (!spec.console_log_path.empty()) {
    out << "      <log file='" << xml_escape(spec.console_log_path) << "' append='on'/>\n";
  }
  out << "      <target port='0'/>\n"
      << "    </serial>\n"
      << "    <console type='pty'>\n"
      << "      <target type='serial' port='0'/>\n"
      << "    </console>\n"
      << "    <memballoon model='none'/>\n"
      << "  </devices>\n";
}

}  // namespace

std::string xml_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string render_domain_xml(const DomainSpec& spec) {
  std::ostringstream out;
  out << "<domain type='" << xml_escape(spec.virt_type) << "'>\n"
      << "  <name>" << xml_escape(spec.name) << "</name>\n"
      << "  <uuid>" << xml_escape(spec.uuid) << "</uuid>\n";
  if (!spec.hostname.empty()) {
    out << "  <title>" << xml_escape(spec.hostname) << "</title>\n";
  }
  out << "  <memory unit='MiB'>" << spec.memory_mb << "</memory>\n"
      << "  <vcpu>" << spec.vcpus << "</vcpu>\n";
  write_sysinfo(out, spec);
  write_os(out, spec);
  out << "  <features>\n    <acpi/>\n    <apic/>\n  </features>\n";
  if (spec.virt_type == "kvm") {
    out << "  <cpu mode='host-model'/>\n";
  }
  out << "  <clock offset='utc'/>\n"
      << "  <on_poweroff>destroy</on_poweroff>\n"
      << "  <on_reboot>restart</on_reboot>\n"
      << "  <on_crash>destroy</on_crash>\n";
  write_devices(out, spec);
  out << "</domain>\n";
  return out.str();
}

}  // namespace neutrino::compute
