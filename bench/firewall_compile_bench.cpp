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

#include "dataplane/pipeline/pipeline_compiler.hpp"

namespace {

using neutrino::Json;
using neutrino::channel::HostState;
using neutrino::dataplane::pipeline::PipelineCompiler;
using neutrino::dataplane::pipeline::PipelineInput;

Json rule(const std::string& id, const std::string& direction, const std::string& ethertype) {
  return {{"id", id},
          {"direction", direction},
          {"ethertype", ethertype},
          {"protocol", nullptr},
          {"port_range_min", nullptr},
          {"port_range_max", nullptr},
          {"remote_ip_prefix", nullptr},
          {"remote_group_id", nullptr}};
}

struct Host {
  HostState state;
  PipelineInput input;
};

Host host_with_group(int ports, bool with_ssh_rule) {
  Host host;
  host.state["network:n"] = {{"id", "n"},
                             {"mtu", 1450},
                             {"admin_state_up", true},
                             {"network_type", "vxlan"},
                             {"physical_network", nullptr},
                             {"segmentation_id", 100}};
  Json rules = {rule("r1", "egress", "IPv4"), rule("r2", "egress", "IPv6"),
                rule("r3", "ingress", "IPv4"), rule("r4", "ingress", "IPv6")};
  rules[2]["remote_group_id"] = "g";
  rules[3]["remote_group_id"] = "g";
  if (with_ssh_rule) {
    Json ssh = rule("r5", "ingress", "IPv4");
    ssh["protocol"] = 6;
    ssh["port_range_min"] = 22;
    ssh["port_range_max"] = 22;
    ssh["remote_ip_prefix"] = "192.0.2.0/24";
    rules.push_back(ssh);
  }
  host.state["security_group:g"] = {{"id", "g"}, {"stateful", true}, {"rules", rules}};
  Json addresses = Json::array();
  for (int i = 0; i < ports; ++i) {
    char mac[32];
    std::snprintf(mac, sizeof mac, "fa:16:3e:00:%02x:%02x", (i / 256) % 256, i % 256);
    const std::string ip = "10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 2);
    const std::string id = "p" + std::to_string(i);
    host.state["port:" + id] = {{"id", id},
                                {"network_id", "n"},
                                {"mac_address", mac},
                                {"admin_state_up", true},
                                {"port_security_enabled", true},
                                {"device_owner", "compute:nova"},
                                {"security_groups", {"g"}},
                                {"fixed_ips", {{{"subnet_id", "s"}, {"ip_address", ip}}}}};
    host.input.local_ports[id] = static_cast<std::uint32_t>(i + 1);
    addresses.push_back(ip);
  }
  host.state["remote_group:g"] = {{"id", "g"}, {"addresses", addresses}};
  host.input.cookie = 1;
  host.input.local_vlans = {{"n", 1}};
  host.input.tunnel_bridge.clear();
  return host;
}

std::size_t firewall_flows(const std::vector<std::string>& flows) {
  return std::count_if(flows.begin(), flows.end(), [](const std::string& f) {
    return f.find("table=30,") != std::string::npos || f.find("table=31,") != std::string::npos ||
           f.find("table=50,") != std::string::npos || f.find("table=51,") != std::string::npos;
  });
}

void BM_CompileHost(benchmark::State& state) {
  const int ports = static_cast<int>(state.range(0));
  Host host = host_with_group(ports, true);
  host.input.state = &host.state;
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
  Host before = host_with_group(ports, false);
  Host after = host_with_group(ports, true);
  before.input.state = &before.state;
  after.input.state = &after.state;
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
