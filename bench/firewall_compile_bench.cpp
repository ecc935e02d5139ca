// The agent's cost of a security group change on one host: compiling br-int for N ports in one
// group that admits its own members (Neutron's default group: egress any, ingress from the
// group, IPv4 and IPv6) plus an SSH rule, and the diff a rule change leaves to install.
// Counters: flows on br-int, flows in the firewall tables, and the flows the same rules would
// take with the remote group expanded per port (member x port) instead of conjunctions.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <string>

#include "common/model/host_model.hpp"
#include "dataplane/pipeline/pipeline_compiler.hpp"

namespace {

using neutrino::Json;
using neutrino::dataplane::pipeline::PipelineCompiler;
using neutrino::dataplane::pipeline::PipelineInput;

namespace model = neutrino::model;

model::SecurityGroupRule rule(const std::string& id, const std::string& direction,
                              const std::string& ethertype) {
  return {.id = id, .direction = direction, .ethertype = ethertype};
}

// The host's state and the compiler's input pointing at it: not copyable.
struct Host {
  model::HostModel model;
  PipelineInput input;
  Host() { input.model = &model; }
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;

  // As the agent takes objects in: through the wire codec.
  void set(model::ObjectKind kind, const std::string& id, const Json& object) {
    model.apply(model::object_key(kind, id), &object);
  }
};

void fill_host(Host& host, int ports, bool with_ssh_rule) {
  host.set(model::ObjectKind::kNetwork, "n",
           model::Network{.id = "n", .mtu = 1450, .network_type = "vxlan", .segmentation_id = 100});
  std::vector<model::SecurityGroupRule> rules = {
      rule("r1", "egress", "IPv4"), rule("r2", "egress", "IPv6"), rule("r3", "ingress", "IPv4"),
      rule("r4", "ingress", "IPv6")};
  rules[2].remote_group_id = "g";
  rules[3].remote_group_id = "g";
  if (with_ssh_rule) {
    auto ssh = rule("r5", "ingress", "IPv4");
    ssh.protocol = 6;
    ssh.port_range_min = 22;
    ssh.port_range_max = 22;
    ssh.remote_ip_prefix = "192.0.2.0/24";
    rules.push_back(ssh);
  }
  host.set(model::ObjectKind::kSecurityGroup, "g",
           model::SecurityGroup{.id = "g", .stateful = true, .rules = rules});
  model::RemoteGroup group{.id = "g", .addresses = {}};
  for (int i = 0; i < ports; ++i) {
    char mac[32];
    std::snprintf(mac, sizeof mac, "fa:16:3e:00:%02x:%02x", (i / 256) % 256, i % 256);
    const std::string ip = "10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 2);
    const std::string id = "p" + std::to_string(i);
    host.set(model::ObjectKind::kPort, id,
             model::Port{.id = id,
                         .network_id = "n",
                         .mac_address = mac,
                         .device_owner = "compute:nova",
                         .fixed_ips = {{"s", ip}},
                         .security_groups = {"g"}});
    host.input.local_ports[id] = static_cast<std::uint32_t>(i + 1);
    group.addresses.push_back(ip);
  }
  std::sort(group.addresses.begin(), group.addresses.end());
  host.set(model::ObjectKind::kRemoteGroup, "g", group);
  host.input.cookie = 1;
  host.input.local_vlans = {{"n", 1}};
  host.input.tunnel_bridge.clear();
}

std::size_t firewall_flows(const std::vector<std::string>& flows) {
  return std::count_if(flows.begin(), flows.end(), [](const std::string& f) {
    return f.find("table=30,") != std::string::npos || f.find("table=31,") != std::string::npos ||
           f.find("table=50,") != std::string::npos || f.find("table=51,") != std::string::npos;
  });
}

void BM_CompileHost(benchmark::State& state) {
  const int ports = static_cast<int>(state.range(0));
  Host host;
  fill_host(host, ports, true);
  std::vector<std::string> flows;
  for (auto _ : state) {
    flows = PipelineCompiler::compile_canonical(host.input).at("br-int");
    benchmark::DoNotOptimize(flows);
  }
  state.counters["flows"] = static_cast<double>(flows.size());
  state.counters["firewall_flows"] = static_cast<double>(firewall_flows(flows));
  // Without conjunctions: each port's ingress-from-group rule (IPv4; the IPv6 one has no
  // members here) expands to one flow per member.
  state.counters["expanded_remote_group_flows"] = static_cast<double>(ports) * ports;
}
BENCHMARK(BM_CompileHost)->Arg(10)->Arg(100)->Arg(500)->Unit(benchmark::kMillisecond);

void BM_RuleChange(benchmark::State& state) {
  const int ports = static_cast<int>(state.range(0));
  Host before;
  Host after;
  fill_host(before, ports, false);
  fill_host(after, ports, true);
  std::size_t changes = 0;
  for (auto _ : state) {
    // What the agent does per change: compile the new state and diff it with what is installed.
    const auto have = PipelineCompiler::compile_canonical(before.input).at("br-int");
    const auto want = PipelineCompiler::compile_canonical(after.input).at("br-int");
    std::vector<std::string> diff;
    std::set_symmetric_difference(have.begin(), have.end(), want.begin(), want.end(),
                                  std::back_inserter(diff));
    changes = diff.size();
    benchmark::DoNotOptimize(diff);
  }
  state.counters["flow_changes"] = static_cast<double>(changes);
}
BENCHMARK(BM_RuleChange)->Arg(100)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
