#include "agent/app/dhcp_config_builder.hpp"

#include "dhcp/extra_option.hpp"

namespace neutrino::agent {
namespace {

std::optional<dhcp::Ipv4Address> address(const Json& value) {
  return value.is_string() ? dhcp::Ipv4Address::parse(value.get<std::string>()) : std::nullopt;
}

// The port's extra_dhcp_opts for DHCPv4. One that does not encode (a name dnsmasq would not
// know, a value of the wrong type) is left out rather than failing the whole port.
void add_extra_options(const Json& port, dhcp::DhcpHost& host) {
  const auto options = port.find("extra_dhcp_opts");
  if (options == port.end() || !options->is_array()) {
    return;
  }
  for (const auto& o : *options) {
    if (!o.is_object() || o.value("ip_version", 4) != 4 ||
        !o.value("opt_name", Json()).is_string() || !o.value("opt_value", Json()).is_string()) {
      continue;
    }
    const auto encoded = dhcp::encode_extra_option(o["opt_name"].get<std::string>(),
                                                   o["opt_value"].get<std::string>());
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

}  // namespace

dhcp::DhcpServerConfig build_dhcp_config(const DhcpEndpoint& endpoint,
                                         const channel::HostState& state) {
  dhcp::DhcpServerConfig config;
  config.always_broadcast = true;  // replies go out a plain UDP socket
  // busybox udhcpc asks for neither by default, yet applies both: the MTU of a VXLAN network
  // and the route to the metadata proxy (dnsmasq's dhcp-option-force, as Neutron sets it).
  config.forced_options = {26, 121};
  config.mtu = static_cast<uint16_t>(endpoint.mtu);
  // The DHCP port's address per subnet.
  std::map<std::string, dhcp::Ipv4Address> dhcp_addresses;
  const auto port = state.find("port:" + endpoint.port_id);
  if (port != state.end()) {
    for (const auto& ip : port->second.value("fixed_ips", Json::array())) {
      if (const auto parsed = address(ip["ip_address"])) {
        dhcp_addresses[ip.value("subnet_id", "")] = *parsed;
        if (config.server_id == dhcp::Ipv4Address()) {
          config.server_id = *parsed;
        }
      }
    }
  }
  for (const auto& [key, subnet] : state) {
    if (key.rfind("subnet:", 0) != 0 || subnet.value("network_id", "") != endpoint.network_id ||
        subnet.value("ip_version", 4) != 4 || !subnet.value("enable_dhcp", true)) {
      continue;
    }
    const auto cidr = dhcp::Ipv4Cidr::parse(subnet.value("cidr", ""));
    if (!cidr) {
      continue;
    }
    dhcp::DhcpSubnet s{*cidr, address(subnet["gateway_ip"]), {}, {}, std::nullopt};
    for (const auto& dns : subnet.value("dns_nameservers", Json::array())) {
      if (const auto parsed = address(dns); parsed && *parsed != dhcp::Ipv4Address()) {
        s.dns_servers.push_back(*parsed);
      }
    }
    for (const auto& route : subnet.value("host_routes", Json::array())) {
      const auto destination = dhcp::Ipv4Cidr::parse(route.value("destination", ""));
      const auto nexthop = address(route["nexthop"]);
      if (destination && nexthop) {
        s.host_routes.push_back(dhcp::StaticRoute{*destination, *nexthop});
      }
    }
    const auto own = dhcp_addresses.find(subnet.value("id", ""));
    if (own != dhcp_addresses.end()) {
      s.dhcp_address = own->second;
    }
    config.subnets.push_back(std::move(s));
  }
  for (const auto& [key, p] : state) {
    if (key.rfind("port:", 0) != 0 || p.value("network_id", "") != endpoint.network_id ||
        p.value("device_owner", "") == "network:dhcp") {
      continue;
    }
    const auto mac = dhcp::MacAddress::parse(p.value("mac_address", ""));
    for (const auto& ip : p.value("fixed_ips", Json::array())) {
      const auto parsed = address(ip["ip_address"]);
      if (mac && parsed) {
        dhcp::DhcpHost host{*mac, *parsed, p.value("dns_name", ""), {}, {}};
        add_extra_options(p, host);
        config.hosts.push_back(std::move(host));
        break;  // one IPv4 lease per port
      }
    }
  }
  return config;
}

}  // namespace neutrino::agent
