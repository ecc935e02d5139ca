#pragma once
// network_data.json as Nova builds it from an instance's ports (nova/virt/netutils.py): one
// link per port with addresses, the first IPv4 and first IPv6 network of each link, and the
// DNS servers of all of them as services. A subnet with DHCP is announced as "ipv4_dhcp" with
// no addresses, since the guest learns them from the DHCP server.
#include "common/json.hpp"
#include "metadata/instance_metadata.hpp"

namespace neutrino::metadata {

Json network_data_json(const InstanceMetadata& instance);

}  // namespace neutrino::metadata
