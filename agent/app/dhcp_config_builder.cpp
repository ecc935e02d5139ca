#include "agent/app/dhcp_config_builder.hpp"

#include "dhcp/extra_option.hpp"

namespace neutrino::agent {
namespace {

std::optional<dhcp::Ipv4Address> address(const std::optional<std::string>& value) {
  return value ? dhcp::Ipv4Address::parse(*value) : std::nullopt;
}

// The port's extra_dhcp_opts for DHCPv4. One that does not encode (a name dnsmasq would not
// know, a value it cannot carry) is left out rather than failing the whole port.
void add_extra_options(const model::Port& port, dhcp::DhcpHost& host) {
  for (const auto& o : port.extra_dhcp_opts) {
    if (o.ip_version != 4) {
      continue;
    }
    const auto encoded = dhcp::encode_extra_option(o.opt_name, o.opt_value);
    if (!encoded) {
      continue;
    }
    if (encoded->code == 0) {
      host.next_server = encoded->next_server;
    } else {
      host.extra_options.set(encoded->code, encoded->data);
    }
  }
}

dhcp::DhcpSubnet dhcp_subnet(const dhcp::Ipv4Cidr& cidr, const model::Subnet& subnet) {
  dhcp::DhcpSubnet s{cidr, address(subnet.gateway_ip), {}, {}, std::nullopt};
  for (const auto& dns : subnet.dns_nameservers) {
    if (const auto parsed = address(dns); parsed && *parsed != dhcp::Ipv4Address()) {
      s.dns_servers.push_back(*parsed);
    }
  }
  for (const auto& route : subnet.host_routes) {
    const auto destination = dhcp::Ipv4Cidr::parse(route.destination);
    const auto nexthop = address(route.nexthop);
    if (destination && nexthop) {
      s.host_routes.push_back(dhcp::StaticRoute{*destination, *nexthop});
    }
  }
  return s;
}

// The DHCP port's address per subnet; the first is the server identifier.
std::map<std::string, dhcp::Ipv4Address> dhcp_addresses(const model::Port* port,
                                                        dhcp::DhcpServerConfig& config) {
  std::map<std::string, dhcp::Ipv4Address> out;
  for (const auto& ip : port ? port->fixed_ips : std::vector<model::FixedIp>{}) {
    if (const auto parsed = address(ip.ip_address)) {
      out[ip.subnet_id] = *parsed;
      if (config.server_id == dhcp::Ipv4Address()) {
        config.server_id = *parsed;
      }
    }
  }
  return out;
}

}  // namespace

dhcp::DhcpServerConfig build_dhcp_config(const DhcpEndpoint& endpoint,
                                         const model::HostModel& state) {
  dhcp::DhcpServerConfig config;
  config.always_broadcast = true;  // replies go out a plain UDP socket
  // busybox udhcpc asks for neither by default, yet applies both: the MTU of a VXLAN network
  // and the route to the metadata proxy (dnsmasq's dhcp-option-force, as Neutron sets it).
  config.forced_options = {26, 121};
  config.mtu = static_cast<uint16_t>(endpoint.mtu);
  const auto own_addresses = dhcp_addresses(state.port(endpoint.port_id), config);
  for (const model::Subnet* subnet : state.subnets_of_network(endpoint.network_id)) {
    const auto cidr = dhcp::Ipv4Cidr::parse(subnet->cidr);
    if (subnet->ip_version != 4 || !subnet->enable_dhcp || !cidr) {
      continue;
    }
    dhcp::DhcpSubnet s = dhcp_subnet(*cidr, *subnet);
    const auto own = own_addresses.find(subnet->id);
    if (own != own_addresses.end()) {
      s.dhcp_address = own->second;
    }
    config.subnets.push_back(std::move(s));
  }
  for (const model::Port* p : state.ports_of_network(endpoint.network_id)) {
    const auto mac = dhcp::MacAddress::parse(p->mac_address);
    if (p->device_owner == "network:dhcp" || !mac) {
      continue;
    }
    for (const auto& ip : p->fixed_ips) {
      if (const auto parsed = address(ip.ip_address)) {
        // No dns_name on the wire: option 12 is "host-<ip with dashes>", as Neutron names it.
        dhcp::DhcpHost host{*mac, *parsed, "", {}, {}};
        add_extra_options(*p, host);
        config.hosts.push_back(std::move(host));
        break;  // one IPv4 lease per port
      }
    }
  }
  return config;
}

}  // namespace neutrino::agent
