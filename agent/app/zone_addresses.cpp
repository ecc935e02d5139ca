#include "agent/app/zone_addresses.hpp"

namespace neutrino::agent {

std::vector<ZoneAddresses::Entry> ZoneAddresses::update(
    const dataplane::pipeline::PipelineInput& input) {
  std::set<std::tuple<std::uint16_t, std::string, std::string>> now;
  const auto& desired = dataplane::pipeline::desired_model(input);
  for (const auto& plugged : input.local_ports) {
    // Null when the port went while its tap stays.
    const model::Port* port = desired.port(plugged.first);
    const auto zone = port ? input.local_vlans.find(port->network_id) : input.local_vlans.end();
    if (zone == input.local_vlans.end()) {
      continue;
    }
    for (const auto& ip : port->fixed_ips) {
      now.emplace(zone->second, ip.ip_address, port->id);
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
