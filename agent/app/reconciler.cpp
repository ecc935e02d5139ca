#include "agent/app/reconciler.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "common/log.hpp"
#include "dataplane/openflow/flow_change.hpp"
#include "dataplane/pipeline/pipeline_compiler.hpp"

namespace neutrino::agent {
namespace {

using namespace std::chrono_literals;
namespace openflow = dataplane::openflow;

constexpr auto kSafetyInterval = 10s;
constexpr auto kLivenessCheck = 100ms;

// "vxlan-c0a8fa02": unique per remote IP and within the 15-character interface limit.
std::string tunnel_port_name(const std::string& remote_ip) {
  in_addr address{};
  inet_pton(AF_INET, remote_ip.c_str(), &address);
  char name[16];
  std::snprintf(name, sizeof name, "vxlan-%08x", ntohl(address.s_addr));
  return name;
}

ovs::PortSpec patch(const std::string& name, const std::string& peer) {
  ovs::PortSpec spec;
  spec.name = name;
  spec.type = "patch";
  spec.options = {{"peer", peer}};
  return spec;
}

// A strict delete names the flow by table, priority and match only (and our cookie, so a
// flow someone else installed with the same match is left alone).
std::string strict_delete_of(const std::string& flow, uint64_t cookie) {
  const size_t actions = flow.find("actions=");
  std::string head = flow.substr(0, actions == std::string::npos ? flow.size() : actions);
  std::string out;
  size_t start = 0;
  while (start < head.size()) {
    size_t end = head.find_first_of(", ", start);
    if (end == std::string::npos) {
      end = head.size();
    }
    const std::string token = head.substr(start, end - start);
    start = end + 1;
    if (token.empty()) {
      continue;
    }
    const std::string key = token.substr(0, token.find('='));
    if (key == "cookie" || key == "idle_timeout" || key == "hard_timeout" || key == "duration" ||
        key == "n_packets" || key == "n_bytes" || key == "idle_age" || key == "hard_age" ||
        key == "importance" || key == "send_flow_rem" || key == "check_overlap" ||
        key == "reset_counts" || key == "no_packet_counts" || key == "no_byte_counts") {
      continue;
    }
    out += (out.empty() ? "" : ",") + token;
  }
  char prefix[64];
  std::snprintf(prefix, sizeof prefix, "cookie=0x%llx/-1,",
                static_cast<unsigned long long>(cookie));
  return prefix + out;
}

std::string int_patch(const std::string& bridge) {
  return ("int-" + bridge).substr(0, 15);
}
std::string phy_patch(const std::string& bridge) {
  return ("phy-" + bridge).substr(0, 15);
}

}  // namespace

Reconciler::Reconciler(const AgentConfig& config, boost::asio::io_context& io, AckFn ack,
                       std::function<void(std::vector<std::string>)> request_dhcp_ports)
    : config_(config),
      io_(io),
      ack_(std::move(ack)),
      request_dhcp_ports_(std::move(request_dhcp_ports)),
      dhcp_namespaces_(config.integration_bridge),
      dhcp_service_(io, MonotonicClock::system(), config.dhcp_rate),
      metadata_proxy_(config.metadata_host.empty()
                          ? nullptr
                          : std::make_unique<MetadataProxy>(
                                io,
                                MetadataTarget{config.metadata_host, config.metadata_port,
                                               config.metadata_secret},
                                MetadataProxyLimits{.guests = {.requests = config.metadata_rate}})),
      lvids_(config.state_dir + "/local-vlans.json") {}

Reconciler::~Reconciler() {
  stop();
}

void Reconciler::start() {
  thread_ = std::thread([this] { run(); });
}

void Reconciler::stop() {
  {
    MutexLock lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
    dhcp_service_.update({}, {});  // closes the sockets on the io thread
    if (metadata_proxy_) {
      metadata_proxy_->stop();
    }
  }
  openflow_.clear();
  session_.reset();
}

void Reconciler::set_state(const channel::HostState& state, int64_t revision) {
  {
    MutexLock lock(mutex_);
    state_ = state;
    revision_ = revision;
    dirty_ = true;
  }
  wake_.notify_all();
}

void Reconciler::controller_reconnected() {
  {
    MutexLock lock(mutex_);
    requested_dhcp_.reset();
  }
  poke();
}

void Reconciler::poke() {
  {
    MutexLock lock(mutex_);
    dirty_ = true;
  }
  wake_.notify_all();
}

void Reconciler::run() {
  auto last_pass = std::chrono::steady_clock::now() - kSafetyInterval;
  auto backoff = 50ms;
  for (;;) {
    if (!wait_for_work()) {
      return;
    }
    // A restarted ovs-vswitchd drops our OpenFlow sessions and, with the userspace datapath,
    // every flow: reinstall at once rather than at the next safety pass.
    for (const auto& [bridge, connection] : openflow_) {
      if (!connection || !connection->connected()) {
        poke();
      }
    }
    const bool due = std::chrono::steady_clock::now() - last_pass >= kSafetyInterval;
    {
      MutexLock lock(mutex_);
      if (!dirty_ && !due) {
        continue;
      }
      dirty_ = false;
    }
    try {
      if (!session_ || !session_->alive()) {
        openflow_.clear();
        session_.reset();
        session_ = std::make_unique<OvsSession>(io_, config_.ovsdb, [this] { poke(); });
        log::info("connected to ovsdb-server at ", config_.ovsdb);
        ensure_bridges();
      }
      reconcile();
      last_pass = std::chrono::steady_clock::now();
      backoff = 50ms;
    } catch (const std::exception& e) {
      log::warning("reconcile pass failed: ", e.what(), "; retrying");
      MutexLock lock(mutex_);
      dirty_ = true;
      const auto retry_at = std::chrono::steady_clock::now() + backoff;
      while (!stopping_ && wake_.wait_until(mutex_, retry_at)) {
      }
      backoff = std::min(backoff * 2, std::chrono::milliseconds(1000));
    }
  }
}

bool Reconciler::wait_for_work() {
  MutexLock lock(mutex_);
  const auto check_at = std::chrono::steady_clock::now() + kLivenessCheck;
  while (!dirty_ && !stopping_ && wake_.wait_until(mutex_, check_at)) {
  }
  return !stopping_;
}

void Reconciler::ensure_bridges() {
  auto& bridges = session_->bridges();
  ovs::BridgeSpec spec;
  spec.datapath_type = config_.datapath_type;
  spec.external_ids = {{"neutrino-agent", config_.host}};
  bridges.ensure_bridge(config_.integration_bridge, spec);
  bridges.ensure_bridge(config_.tunnel_bridge, spec);
  bridges.ensure_port(config_.integration_bridge, patch("patch-tun", "patch-int"));
  bridges.ensure_port(config_.tunnel_bridge, patch("patch-int", "patch-tun"));
  for (const auto& [physnet, bridge] : config_.bridge_mappings) {
    bridges.ensure_bridge(bridge, spec);
    bridges.ensure_port(config_.integration_bridge, patch(int_patch(bridge), phy_patch(bridge)));
    bridges.ensure_port(bridge, patch(phy_patch(bridge), int_patch(bridge)));
  }
}

std::map<std::string, int64_t> Reconciler::ensure_tunnels(const channel::HostState& state) {
  auto& bridges = session_->bridges();
  std::set<std::string> wanted;
  for (const auto& [key, object] : state) {
    if (key.rfind("remote:", 0) == 0) {
      const std::string ip = object.value("tunnel_ip", "");
      if (!ip.empty() && ip != config_.tunnel_ip) {
        wanted.insert(ip);
      }
    }
  }
  bool changed = false;
  for (const auto& ip : wanted) {
    ovs::PortSpec spec;
    spec.name = tunnel_port_name(ip);
    spec.type = "vxlan";
    spec.options = {{"remote_ip", ip}, {"local_ip", config_.tunnel_ip}, {"key", "flow"}};
    changed = bridges.ensure_port(config_.tunnel_bridge, spec) || changed;
  }
  // A tunnel no host needs any more goes.
  std::set<std::string> wanted_names;
  for (const auto& ip : wanted) {
    wanted_names.insert(tunnel_port_name(ip));
  }
  for (const auto& port : bridges.list_ports(config_.tunnel_bridge)) {
    if (port.name.rfind("vxlan-", 0) == 0 && !wanted_names.contains(port.name)) {
      changed = bridges.delete_port(config_.tunnel_bridge, port.name) || changed;
    }
  }
  if (changed) {
    bridges.wait_applied();
  }
  std::map<std::string, int64_t> ofports;
  const auto ports = bridges.list_ports(config_.tunnel_bridge);
  for (const auto& ip : wanted) {
    const int64_t ofport = ofport_of(ports, tunnel_port_name(ip));
    if (ofport > 0) {
      ofports[ip] = ofport;
    }
  }
  return ofports;
}

int64_t Reconciler::ofport_of(const std::vector<ovs::PortInfo>& ports, const std::string& name) {
  for (const auto& port : ports) {
    for (const auto& iface : port.interfaces) {
      if (iface.name == name && iface.ofport) {
        return *iface.ofport;
      }
    }
  }
  return -1;
}

void Reconciler::reconcile() {
  channel::HostState state;
  int64_t revision;
  {
    MutexLock lock(mutex_);
    state = state_;
    revision = revision_;
  }
  if (revision == 0) {
    return;  // no snapshot yet: keep whatever is installed
  }
  sync_dhcp(state);
  auto& bridges = session_->bridges();
  dataplane::pipeline::PipelineInput inputs;
  inputs.state = &state;
  inputs.cookie = kCookie;
  inputs.integration_bridge = config_.integration_bridge;
  inputs.tunnel_bridge = config_.tunnel_bridge;
  for (const auto& [ip, ofport] : ensure_tunnels(state)) {
    inputs.tunnel_ports[ip] = static_cast<uint32_t>(ofport);
  }
  const auto int_ports = bridges.list_ports(config_.integration_bridge);
  const int64_t patch_tun = ofport_of(int_ports, "patch-tun");
  const int64_t patch_int = ofport_of(bridges.list_ports(config_.tunnel_bridge), "patch-int");
  if (patch_tun <= 0 || patch_int <= 0) {
    ensure_bridges();
    bridges.wait_applied();
    throw std::runtime_error("patch ports between " + config_.integration_bridge + " and " +
                             config_.tunnel_bridge + " have no ofport yet");
  }
  inputs.patch_tun = static_cast<uint32_t>(patch_tun);
  inputs.patch_int = static_cast<uint32_t>(patch_int);
  auto ofport_or_none = [](int64_t ofport) {
    return ofport > 0 ? std::optional<uint32_t>(static_cast<uint32_t>(ofport)) : std::nullopt;
  };
  for (const auto& [physnet, bridge] : config_.bridge_mappings) {
    inputs.physnets[physnet] = {
        bridge, ofport_or_none(ofport_of(int_ports, int_patch(bridge))),
        ofport_or_none(ofport_of(bridges.list_ports(bridge), phy_patch(bridge)))};
  }
  std::set<std::string> networks;
  std::set<std::string> host_ports;
  for (const auto& [key, object] : state) {
    if (key.rfind("port:", 0) == 0) {
      networks.insert(object["network_id"].get<std::string>());
      host_ports.insert(object["id"].get<std::string>());
    }
  }
  for (const auto& port : int_ports) {
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
    inputs.local_vlans[network] = static_cast<uint16_t>(lvid);
    // The lvid is also the network's conntrack zone. One newly given out may have served a
    // network that left: its connections must not pass as established on this one.
    // Kept until done: the new lvid is saved already, so a failed flush must be retried.
    if (const auto it = previous.find(network); it == previous.end() || it->second != lvid) {
      zones_to_flush_.insert(static_cast<uint16_t>(lvid));
    }
  }
  while (!zones_to_flush_.empty()) {
    openflow(config_.integration_bridge).flush_conntrack_zone(*zones_to_flush_.begin());
    zones_to_flush_.erase(zones_to_flush_.begin());
  }

  // Flushed before the new flows go in (the address may pass to another port in this pass)
  // and again after: until the departed port's flows are gone, its traffic commits the
  // connections anew.
  const auto departed = zone_addresses_.update(inputs);
  flush_connections(departed);
  const auto compile_started = std::chrono::steady_clock::now();
  const auto compiled = dataplane::pipeline::PipelineCompiler::compile_canonical(inputs);
  const auto compile_time = std::chrono::steady_clock::now() - compile_started;
  for (const auto& [bridge, flows] : compiled) {
    sync_flows(bridge, flows, compile_time);
  }
  flush_connections(departed);

  std::vector<std::string> up;
  std::vector<std::string> down;
  for (const auto& id : host_ports) {
    (inputs.local_ports.contains(id) ? up : down).push_back(id);
  }
  std::set<std::string> up_set(up.begin(), up.end());
  if (revision != acked_revision_ || up_set != acked_up_) {
    ack_(revision, up, down);
    acked_revision_ = revision;
    acked_up_ = std::move(up_set);
  }
}

void Reconciler::sync_dhcp(const channel::HostState& state) {
  // Networks that need a DHCP server here: a DHCP-enabled subnet and a guest port on this host.
  std::set<std::string> with_dhcp;
  for (const auto& [key, subnet] : state) {
    if (key.rfind("subnet:", 0) == 0 && subnet.value("enable_dhcp", false)) {
      with_dhcp.insert(subnet.value("network_id", ""));
    }
  }
  std::set<std::string> networks;
  for (const auto& [key, port] : state) {
    if (key.rfind("port:", 0) == 0 && port.value("device_owner", "").rfind("network:", 0) != 0 &&
        with_dhcp.contains(port.value("network_id", ""))) {
      networks.insert(port.value("network_id", ""));
    }
  }
  const std::vector<std::string> wanted(networks.begin(), networks.end());
  bool send = false;
  {
    MutexLock lock(mutex_);
    send = !requested_dhcp_ || *requested_dhcp_ != wanted;
    if (send) {
      requested_dhcp_ = wanted;
    }
  }
  if (send) {
    request_dhcp_ports_(wanted);
  }
  const auto& endpoints =
      dhcp_namespaces_.sync(DhcpNamespaces::wanted(state), state, session_->bridges());
  dhcp_service_.update(endpoints, state);
  if (metadata_proxy_) {
    metadata_proxy_->update(endpoints, state);
  }
}

openflow::OpenFlowConnection& Reconciler::openflow(const std::string& bridge) {
  auto& slot = openflow_[bridge];
  if (!slot || !slot->connected()) {
    slot.reset();
    // Throws while ovs-vswitchd is still starting; the slot stays empty and the next pass
    // tries again.
    slot = std::make_unique<openflow::OpenFlowConnection>(
        openflow::OpenFlowConnection::management_socket(config_.ovs_rundir, bridge));
  }
  return *slot;
}

void Reconciler::flush_connections(const std::vector<ZoneAddresses::Entry>& departed) {
  for (const auto& [zone, address] : departed) {
    const std::string field = address.find(':') == std::string::npos ? "ct_nw" : "ct_ipv6";
    auto& integration = openflow(config_.integration_bridge);
    integration.flush_conntrack(zone, field + "_src=" + address);
    integration.flush_conntrack(zone, field + "_dst=" + address);
  }
}

void Reconciler::sync_flows(const std::string& bridge, const std::vector<std::string>& desired,
                            std::chrono::steady_clock::duration compile_time) {
  const auto started = std::chrono::steady_clock::now();
  auto& connection = openflow(bridge);
  const auto installed = connection.dump_flows(kCookie, ~0ULL);
  const std::set<std::string> have(installed.begin(), installed.end());
  const std::set<std::string> want(desired.begin(), desired.end());
  std::vector<openflow::FlowChange> changes;
  for (const auto& flow : have) {
    if (!want.contains(flow)) {
      changes.push_back(openflow::FlowChange::remove_strict(strict_delete_of(flow, kCookie)));
    }
  }
  for (const auto& flow : want) {
    if (!have.contains(flow)) {
      changes.push_back(openflow::FlowChange::add(flow));
    }
  }
  if (changes.empty()) {
    return;
  }
  // One bundle: the switch goes from the old flow set to the new one atomically.
  connection.apply_bundle(changes);
  const auto ms = [](std::chrono::steady_clock::duration d) {
    return std::chrono::duration_cast<std::chrono::microseconds>(d).count() / 1000.0;
  };
  log::info(bridge, ": ", changes.size(), " flow changes applied (", want.size(),
            " flows; compiling all bridges took ", ms(compile_time), " ms, diff and bundle ",
            ms(std::chrono::steady_clock::now() - started), " ms)");
}

}  // namespace neutrino::agent
