#pragma once
// What the parts of one reconciler pass hand to the parts after them.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "agent/app/dhcp_namespaces.hpp"
#include "dataplane/pipeline/pipeline_input.hpp"

namespace neutrino::agent {

// What earlier parts of a pass hand to later ones.
struct PassResults {
  // From the bridges and tunnels part: the ofports the pipeline compiler needs.
  std::optional<std::uint32_t> patch_tun;
  std::optional<std::uint32_t> patch_int;
  std::map<std::string, std::uint32_t> tunnel_ports;  // peer tunnel IP -> ofport
  std::map<std::string, dataplane::pipeline::PhysnetWiring> physnets;
  // From the DHCP part: the qdhcp namespaces in place, by network id.
  std::map<std::string, DhcpEndpoint> dhcp_endpoints;
  // From the flows part: the host's ports wired (plugged, flows installed) and not.
  std::optional<std::pair<std::vector<std::string>, std::vector<std::string>>> ports_up_down;
};

}  // namespace neutrino::agent
