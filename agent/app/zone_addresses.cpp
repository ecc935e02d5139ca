#include "agent/app/zone_addresses.hpp"

#include <optional>

#include "common/model/object_codec.hpp"
#include "common/model/port.hpp"

namespace neutrino::agent {
namespace {

// The plugged port `id` as the desired state has it, decoded; nullopt when it has none (the
// port went while its tap stays) or the object does not decode (the model drops it too).
std::optional<model::Port> desired_port(const dataplane::pipeline::PipelineInput& input,
                                        const std::string& id) {
  if (input.state == nullptr) {
    return std::nullopt;
  }
  const auto it = input.state->find(model::object_key(model::ObjectKind::kPort, id));
  if (it == input.state->end()) {
    return std::nullopt;
  }
  try {
    return it->second.get<model::Port>();
  } catch (const Json::exception&) {
    return std::nullopt;
  }
}

}  // namespace

std::vector<ZoneAddresses::Entry> ZoneAddresses::update(
    const dataplane::pipeline::PipelineInput& input) {
  std::set<std::tuple<std::uint16_t, std::string, std::string>> now;
  for (const auto& plugged : input.local_ports) {
    const auto port = desired_port(input, plugged.first);
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
