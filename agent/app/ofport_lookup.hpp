#pragma once
// The ofport of an interface among the ports OVSDB listed, if ovs-vswitchd assigned one.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "agent/ovs/bridge_types.hpp"

namespace neutrino::agent {

inline std::optional<std::uint32_t> ofport_of(const std::vector<ovs::PortInfo>& ports,
                                              const std::string& interface) {
  for (const auto& port : ports) {
    for (const auto& iface : port.interfaces) {
      if (iface.name == interface && iface.ofport && *iface.ofport > 0) {
        return static_cast<std::uint32_t>(*iface.ofport);
      }
    }
  }
  return std::nullopt;
}

}  // namespace neutrino::agent
