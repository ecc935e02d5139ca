#pragma once
// The qdhcp-<network id> namespaces of this host, one per DHCP port the controller bound
// here: a veth whose namespace end carries the DHCP port's MAC, its addresses and
// 169.254.169.254, and whose other end is plugged into br-int with the port's iface-id, the
// same way a guest is plugged. Built from the desired state on every pass and torn down when
// the DHCP port goes.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "agent/app/ovs_backend.hpp"
#include "common/model/host_model.hpp"

namespace neutrino::agent {

struct DhcpEndpoint {
  std::string network_id;
  std::string port_id;
  std::string mac;
  std::string namespace_name;    // qdhcp-<network id>
  std::string device;            // ns-<port id prefix>, inside the namespace
  std::vector<std::string> ips;  // the DHCP port's fixed IPs
  unsigned mtu = 1500;

  bool operator==(const DhcpEndpoint&) const = default;
};

class DhcpNamespaces {
 public:
  explicit DhcpNamespaces(std::string integration_bridge)
      : integration_bridge_(std::move(integration_bridge)) {}

  // The endpoints the state asks for: every network:dhcp port bound to this host.
  static std::vector<DhcpEndpoint> wanted(const model::HostModel& state);
  // Creates, updates and removes namespaces, veths, addresses and br-int ports so they match
  // `wanted`. Returns the endpoints that are in place.
  const std::map<std::string, DhcpEndpoint>& sync(const std::vector<DhcpEndpoint>& wanted,
                                                  OvsBackend& bridges);

  // The endpoints the last sync() left in place, by network id.
  const std::map<std::string, DhcpEndpoint>& in_place() const { return in_place_; }

  static std::string namespace_for(const std::string& network_id) { return "qdhcp-" + network_id; }

 private:
  void create(const DhcpEndpoint& endpoint, OvsBackend& bridges);
  void remove(const DhcpEndpoint& endpoint, OvsBackend& bridges);

  std::string integration_bridge_;
  std::map<std::string, DhcpEndpoint> in_place_;  // by network id
};

}  // namespace neutrino::agent
