#include "agent/app/zone_addresses.hpp"

namespace neutrino::agent {

std::vector<ZoneAddresses::Entry> ZoneAddresses::update(
    const dataplane::pipeline::PipelineInput& input) {
  std::set<std::tuple<std::uint16_t, std::string, std::string>> now;
  static const channel::HostState kEmpty;
  for (const auto& [key, port] : input.state ? *input.state : kEmpty) {
    if (!key.starts_with("port:") || !port.is_object() ||
        !input.local_ports.contains(port.value("id", ""))) {
      continue;
    }
    const auto zone = input.local_vlans.find(port.value("network_id", ""));
    const auto ips = port.find("fixed_ips");
    if (zone == input.local_vlans.end() || ips == port.end() || !ips->is_array()) {
      continue;
    }
    for (const auto& ip : *ips) {
      if (ip.is_object() && ip.contains("ip_address") && ip["ip_address"].is_string()) {
        now.emplace(zone->second, ip["ip_address"].get<std::string>(), port.value("id", ""));
      }
    }
  }
  std::set<Entry> gone;
  if (!first_) {
    for (const auto& held : current_) {
      if (!now.contains(held)) {
        gone.emplace(std::get<0>(held), std::get<1>(held));
      }
    }
  }
  first_ = false;
  current_ = std::move(now);
  return {gone.begin(), gone.end()};
}

}  // namespace neutrino::agent
