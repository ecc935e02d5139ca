#pragma once
// Renders a DomainSpec as the libvirt domain XML the agent defines and stores as
// <instances>/<uuid>/libvirt.xml: a minimal machine (virtio disk and NICs, serial console,
// ACPI for graceful shutdown, no graphics, no balloon) with Nova's SMBIOS identity so
// cloud-init recognises an OpenStack guest.
#include <string>

#include "compute/driver/domain_spec.hpp"

namespace neutrino::compute {

// Escapes &, <, >, ' and " for XML text and attribute values.
std::string xml_escape(const std::string& text);

std::string render_domain_xml(const DomainSpec& spec);

}  // namespace neutrino::compute
