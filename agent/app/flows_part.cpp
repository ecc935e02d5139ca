#include "agent/app/flows_part.hpp"

#include "agent/app/flow_diff.hpp"
#include "common/log.hpp"
#include "dataplane/pipeline/external_announcements.hpp"
#include "dataplane/pipeline/pipeline_compiler.hpp"
#include "dataplane/pipeline/pipeline_tables.hpp"

namespace neutrino::agent {
namespace {

double milliseconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration_cast<std::chrono::microseconds>(d).count() / 1000.0;
}

// The networks the held routers have interfaces or their gateway on (and whose object the host
// holds): a packet routed or NATed here leaves on that network's uplink even when no local port
// is on it, so it needs an lvid as well.
void add_routed_networks(const model::HostModel& desired, std::set<std::string>& networks) {
  const auto add = [&](const std::string& network) {
    if (desired.network(network) != nullptr) {
      networks.insert(network);
    }
  };
  for (const auto& [id, router] : desired.routers()) {
    for (const auto& interface : router.interfaces) {
      add(interface.network_id);
    }
    if (router.gateway) {
      add(router.gateway->network_id);
    }
  }
}

// The routers whose source NAT this host does: each gets a conntrack zone from the lvid space,
// kept like an lvid (so an agent restart keeps its connections) under "snat:<router id>".
constexpr std::string_view kSnatZone = "snat:";
void add_snat_zones(const model::HostModel& desired, const std::string& host,
                    std::set<std::string>& keys) {
  for (const auto& [id, router] : desired.routers()) {
    if (router.gateway && router.gateway->host == host && router.gateway->enable_snat) {
      keys.insert(std::string(kSnatZone) + id);
    }
  }
}

}  // namespace

FlowsPart::FlowsPart(const AgentConfig& config, OvsBackend& ovs, const MonotonicClock& clock)
    : config_(config),
      ovs_(ovs),
      lvids_(config.state_dir + "/local-vlans.json"),
      announcements_(clock) {}

void FlowsPart::reconcile(const DesiredState& desired_state, const StateChanges& /*changes*/,
                          PassResults& results) {
  const model::HostModel& desired = desired_state.model;
  // Every input of the compiler may have moved (state, plugged ports, ofports): the pipeline
  // is compiled whole, and only the difference reaches the switch.
  dataplane::pipeline::PipelineInput inputs;
  inputs.model = &desired;
  inputs.cookie = kCookie;
  inputs.security_groups = config_.firewall_driver != "noop";
  inputs.integration_bridge = config_.integration_bridge;
  inputs.tunnel_bridge = config_.tunnel_bridge;
  inputs.tunnel_ports = results.tunnel_ports;
  inputs.patch_tun = results.patch_tun;
  inputs.patch_int = results.patch_int;
  inputs.physnets = results.physnets;
  inputs.host = config_.host;
  std::set<std::string> networks;
  std::set<std::string> host_ports;
  for (const auto& [id, port] : desired.ports()) {
    networks.insert(port.network_id);
    host_ports.insert(id);
  }
  add_routed_networks(desired, networks);
  add_snat_zones(desired, config_.host, networks);
  for (const auto& port : ovs_.list_ports(config_.integration_bridge)) {
    for (const auto& iface : port.interfaces) {
      const auto id = iface.external_ids.find("iface-id");
      if (id != iface.external_ids.end() && host_ports.contains(id->second) && iface.ofport &&
          *iface.ofport > 0) {
        inputs.local_ports[id->second] = static_cast<uint32_t>(*iface.ofport);
      }
    }
  }
  const auto previous = lvids_.current();
  for (const auto& [network, lvid] : lvids_.update(networks)) {
    if (network.starts_with(kSnatZone)) {
      inputs.snat_zones[network.substr(kSnatZone.size())] = static_cast<uint16_t>(lvid);
    } else {
      inputs.local_vlans[network] = static_cast<uint16_t>(lvid);
    }
    // The lvid is also the network's (or router's source NAT) conntrack zone. One newly given
    // out may have served a network that left: its connections must not pass as established.
    // Kept until done: the new lvid is saved already, so a failed flush must be retried.
    if (const auto it = previous.find(network); it == previous.end() || it->second != lvid) {
      zones_to_flush_.insert(static_cast<uint16_t>(lvid));
    }
  }
  flush_zones();

  // Flushed before the new flows go in (the address may pass to another port in this pass)
  // and again after: until the departed port's flows are gone, its traffic commits the
  // connections anew.
  const auto departed = zone_addresses_.update(inputs);
  flush_connections(departed);
  const auto compile_started = std::chrono::steady_clock::now();
  const auto compiled = dataplane::pipeline::PipelineCompiler::compile_canonical(inputs);
  const auto compile_time = std::chrono::steady_clock::now() - compile_started;
  last_flow_changes_ = 0;
  for (const auto& [bridge, flows] : compiled) {
    last_flow_changes_ += sync_flows(bridge, flows, compile_time);
  }
  flush_connections(departed);
  // The flows that learn the next hop from the answers are in by now.
  send(announcements_.update(dataplane::pipeline::external_announcements(inputs)));

  std::pair<std::vector<std::string>, std::vector<std::string>> up_down;
  for (const auto& id : host_ports) {
    (inputs.local_ports.contains(id) ? up_down.first : up_down.second).push_back(id);
  }
  results.ports_up_down = std::move(up_down);
}

void FlowsPart::wake() {
  send(announcements_.take_due());
}

void FlowsPart::send(const std::vector<std::string>& packets) {
  for (const auto& packet : packets) {
    try {
      ovs_.packet_out(config_.integration_bridge, packet);
      log::debug("announced on an external network: ", packet);
    } catch (const std::exception& e) {
      // Only the neighbours' learning waits: the flows are in, and the packet is repeated.
      log::warning("external address announcement not sent: ", e.what());
    }
  }
}

void FlowsPart::flush_zones() {
  using dataplane::pipeline::IntegrationTables;
  while (!zones_to_flush_.empty()) {
    const auto lvid = *zones_to_flush_.begin();
    ovs_.flush_conntrack_zone(config_.integration_bridge, lvid);
    // So are the next-hop MACs learned on an external network that had the lvid (learned
    // flows carry no cookie of ours, so the diff never removes them; they match the lvid's
    // 16 bits of reg6, which a non-strict delete must not be more specific than).
    ovs_.delete_flows(config_.integration_bridge,
                      "table=" + std::to_string(IntegrationTables::kNeighbours) +
                          ",reg6=" + std::to_string(lvid) + "/0xffff");
    zones_to_flush_.erase(zones_to_flush_.begin());
  }
}

void FlowsPart::flush_connections(const std::vector<ZoneAddresses::Entry>& departed) {
  for (const auto& [zone, address] : departed) {
    const std::string field = address.find(':') == std::string::npos ? "ct_nw" : "ct_ipv6";
    ovs_.flush_conntrack(config_.integration_bridge, zone, field + "_src=" + address);
    ovs_.flush_conntrack(config_.integration_bridge, zone, field + "_dst=" + address);
  }
}

std::size_t FlowsPart::sync_flows(const std::string& bridge,
                                  const std::vector<std::string>& desired,
                                  std::chrono::steady_clock::duration compile_time) {
  const auto started = std::chrono::steady_clock::now();
  const auto changes = flow_diff(ovs_.dump_flows(bridge, kCookie), desired, kCookie);
  if (changes.empty()) {
    return 0;
  }
  // Each bundle is atomic; a diff too large for one goes in several, adds first (flow_diff), so
  // a busy switch answers each within the deadline, and a pass that fails part-way keeps what
  // it applied: the next one diffs from a dump. Only a host's first sync or a large change of
  // its state is that large.
  for (std::size_t start = 0; start < changes.size(); start += kMaxBundle) {
    const auto end = std::min(changes.size(), start + kMaxBundle);
    ovs_.apply_bundle(bridge, {changes.begin() + static_cast<std::ptrdiff_t>(start),
                               changes.begin() + static_cast<std::ptrdiff_t>(end)});
  }
  log::info(bridge, ": ", changes.size(), " flow changes applied (", desired.size(),
            " flows; compiling all bridges took ", milliseconds(compile_time),
            " ms, diff and bundle ", milliseconds(std::chrono::steady_clock::now() - started),
            " ms)");
  return changes.size();
}

}  // namespace neutrino::agent
