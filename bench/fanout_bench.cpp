// bench/fanout_bench: what one change costs to push. A real neutrino-controller, N simulated
// agents in this process (real channel connections: hello, snapshot, deltas, acks, heartbeats)
// and M ports spread over them: one network spanning every agent (one port each) and the rest
// in networks of --ports-per-network ports on as many agents. For a port create, a security
// group rule change (every agent's ports are in the group) and a network-wide subnet change it
// reports the time until each interested agent applied the delta (p50, p99), the agents
// touched, bytes sent, controller CPU per change and controller RSS; with --mode both, also
// for the controller recomputing every host's whole state after each change (the design the
// journal replaced), and the ratios. Then agent resync: agent 0, which also holds
// --resync-ports ports in networks of its own, reconnects with the revision it applied, then
// with none (a snapshot). Not a test: it prints figures (docs/benchmarks.md).
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <thread>

#include "bench/bench_support.hpp"
#include "bench/controller_process.hpp"
#include "bench/simulated_agents.hpp"

namespace neutrino::bench {
namespace {

constexpr const char* kSecret = "fanout-bench-secret";

struct Settings {
  int agents = 100;
  int ports = 2000;
  int per_network = 20;
  int changes = 20;
  int resync_ports = 0;  // on agent 0, in networks of its own
  std::string mode = "both";
  std::string binary;
};

struct Figures {
  double p50_ms = 0, p99_ms = 0, last_p50_ms = 0;
  double touched = 0, bytes = 0, cpu_ms = 0;
  int timeouts = 0;
};

uint16_t free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

double cpu_ms(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string skip;
  for (int i = 0; i < 11; ++i) {
    fields >> skip;  // fields 3..13
  }
  double utime = 0, stime = 0;
  fields >> utime >> stime;
  return (utime + stime) * 1000.0 / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double rss_mib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::stod(line.substr(6)) / 1024.0;
    }
  }
  return 0;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) {
    return 0;
  }
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

class Cloud {
 public:
  Cloud(const Settings& s, const std::string& mode)
      : settings_(s),
        agent_port_(free_port()),
        controller_(s.binary,
                    {"--agent-listen", "127.0.0.1:" + std::to_string(agent_port_), "--agent-secret",
                     kSecret, "--fanout-mode", mode, "--agent-heartbeat", "30"}),
        http_("127.0.0.1", controller_.port()),
        token_(admin_token(http_)),
        agents_(agent_port_, kSecret, "bench-host-", s.agents, s.agents > 100 ? 50 : 1) {
    for (int i = 0; i < 600 && !agents_.all_connected(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (!agents_.all_connected()) {
      throw std::runtime_error("the simulated agents did not all connect");
    }
    populate();
  }

  Figures port_creates();
  Figures rule_changes();
  Figures subnet_changes();
  int64_t malformed() {
    int64_t n = 0;
    for (const auto& c : agents_.counters()) {
      n += c.malformed;
    }
    return n;
  }
  void resync(double& delta_ms, double& delta_bytes, double& snapshot_ms, double& snapshot_bytes);
  double rss() { return rss_mib(controller_.pid()); }

 private:
  void populate();
  void settle();
  void set_wide_dns(const std::string& dns);
  Figures run(const std::function<std::vector<int>(int)>& which_of,
              const SimulatedAgents::Done& done, const std::function<std::string(int)>& action);
  std::vector<int> everyone() const;
  // The first networks hold agent 0's --resync-ports; the others spread over the agents.
  int host_of(int network, int j) const {
    return network < resync_networks() ? 0 : (network * 7 + j) % settings_.agents;
  }
  int resync_networks() const {
    return (settings_.resync_ports + settings_.per_network - 1) / settings_.per_network;
  }

  Settings settings_;
  uint16_t agent_port_;
  ControllerProcess controller_;
  HttpClient http_;
  std::string token_;
  SimulatedAgents agents_;
  std::string group_;
  std::string wide_subnet_;
  std::vector<std::string> networks_;
};

void Cloud::populate() {
  const Json group = post_json(http_, token_, "/v2.0/security-groups",
                               {{"security_group", {{"name", "bench"}}}})["security_group"];
  group_ = group["id"];
  // Far more than Neutron's default quotas (500 ports, 100 networks).
  put_json(http_, token_, "/v2.0/quotas/" + group["project_id"].get<std::string>(),
           {{"quota", {{"port", -1}, {"network", -1}, {"subnet", -1}}}});
  auto network = [&](const std::string& cidr, std::string* subnet) {
    const std::string id = post_json(http_, token_, "/v2.0/networks",
                                     {{"network", {{"name", "bench"}}}})["network"]["id"];
    const Json s = post_json(
        http_, token_, "/v2.0/subnets",
        {{"subnet",
          {{"network_id", id}, {"ip_version", 4}, {"cidr", cidr}, {"enable_dhcp", false}}}});
    if (subnet) {
      *subnet = s["subnet"]["id"];
    }
    return id;
  };
  const std::string wide = network("10.200.0.0/16", &wide_subnet_);
  Json batch = Json::array();
  auto flush = [&] {
    if (!batch.empty()) {
      post_json(http_, token_, "/v2.0/ports", {{"ports", batch}});
      batch = Json::array();
    }
  };
  auto add_port = [&](const std::string& net, int host) {
    batch.push_back({{"network_id", net},
                     {"binding:host_id", agents_.host(host)},
                     {"security_groups", {group_}}});
    if (batch.size() == 200) {
      flush();
    }
  };
  for (int i = 0; i < settings_.agents; ++i) {
    add_port(wide, i);
  }
  const int rest = std::max(0, settings_.ports - settings_.agents);
  const int count = (rest + settings_.per_network - 1) / settings_.per_network;
  for (int k = 0; k < count; ++k) {
    flush();
    networks_.push_back(network(
        "10." + std::to_string(k / 250) + "." + std::to_string(k % 250) + ".0/24", nullptr));
    for (int j = 0; j < settings_.per_network && k * settings_.per_network + j < rest; ++j) {
      add_port(networks_.back(), host_of(k, j));
    }
  }
  flush();
  settle();
}

void Cloud::settle() {
  // A barrier: a change every agent gets, after everything the setup wrote. An agent applies
  // deltas in order, so once every agent holds it the setup's backlog has drained (a quiet
  // second proves nothing: the controller may still be building a large batch).
  const auto times = agents_.measure(
      everyone(),
      [this](const channel::HostState& state, const std::string& dns) {
        const auto it = state.find("subnet:" + wide_subnet_);
        return it != state.end() && it->second["dns_nameservers"] == Json::array({dns});
      },
      [&] {
        set_wide_dns("192.0.2.254");
        return std::string("192.0.2.254");
      },
      std::chrono::seconds(900));
  if (std::any_of(times.begin(), times.end(), [](double t) { return t < 0; })) {
    throw std::runtime_error("the agents did not all receive the setup within 900 s");
  }
}

void Cloud::set_wide_dns(const std::string& dns) {
  put_json(http_, token_, "/v2.0/subnets/" + wide_subnet_,
           {{"subnet", {{"dns_nameservers", {dns}}}}});
}

Figures Cloud::run(const std::function<std::vector<int>(int)>& which_of,
                   const SimulatedAgents::Done& done,
                   const std::function<std::string(int)>& action) {
  Figures f;
  std::vector<double> all;
  std::vector<double> last;
  double touched = 0, bytes = 0, cpu = 0;
  for (int k = 0; k < settings_.changes; ++k) {
    const auto before = agents_.counters();
    const double cpu_before = cpu_ms(controller_.pid());
    const auto times = agents_.measure(
        which_of(k), done, [&] { return action(k); }, std::chrono::seconds(60));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // stragglers' bytes
    cpu += cpu_ms(controller_.pid()) - cpu_before;
    const auto after = agents_.counters();
    double slowest = 0;
    for (double t : times) {
      if (t < 0) {
        ++f.timeouts;
      } else {
        all.push_back(t * 1000);
        slowest = std::max(slowest, t * 1000);
      }
    }
    last.push_back(slowest);
    for (size_t i = 0; i < after.size(); ++i) {
      touched += after[i].deltas > before[i].deltas ? 1 : 0;
      bytes += static_cast<double>(after[i].bytes - before[i].bytes);
    }
  }
  const double n = settings_.changes;
  f.p50_ms = percentile(all, 0.5);
  f.p99_ms = percentile(all, 0.99);
  f.last_p50_ms = percentile(last, 0.5);
  f.touched = touched / n;
  f.bytes = bytes / n;
  f.cpu_ms = cpu / n;
  return f;
}

std::vector<int> Cloud::everyone() const {
  std::vector<int> out;
  for (int i = 0; i < settings_.agents; ++i) {
    out.push_back(i);
  }
  return out;
}

Figures Cloud::port_creates() {
  // One port on a small network, on one of that network's agents: that network's agents
  // (and no other) must get it.
  // Not in agent 0's own networks (--resync-ports), which only it holds.
  const int networks = std::max<int>(1, static_cast<int>(networks_.size()));
  const int first = resync_networks() < networks ? resync_networks() : 0;
  auto network_of = [&](int k) { return first + k % (networks - first); };
  auto which = [&](int k) {
    std::vector<int> out;
    for (int j = 0; j < settings_.per_network; ++j) {
      out.push_back(host_of(network_of(k), j));
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  };
  return run(
      which,
      [](const channel::HostState& state, const std::string& id) {
        return state.contains("port:" + id) || state.contains("remote:" + id);
      },
      [&](int k) -> std::string {
        return post_json(http_, token_, "/v2.0/ports",
                         {{"port",
                           {{"network_id", networks_.empty() ? "" : networks_[network_of(k)]},
                            {"binding:host_id", agents_.host(host_of(network_of(k), 0))},
                            {"security_groups", {group_}}}}})["port"]["id"];
      });
}

Figures Cloud::rule_changes() {
  // A rule in the group every port is in: every agent must get the group's new rules.
  return run([&](int) { return everyone(); },
             [this](const channel::HostState& state, const std::string& rule) {
               const auto it = state.find("security_group:" + group_);
               if (it == state.end()) {
                 return false;
               }
               for (const auto& r : it->second["rules"]) {
                 if (r["id"] == rule) {
                   return true;
                 }
               }
               return false;
             },
             [&](int k) -> std::string {
               return post_json(http_, token_, "/v2.0/security-group-rules",
                                {{"security_group_rule",
                                  {{"security_group_id", group_},
                                   {"direction", "ingress"},
                                   {"protocol", "tcp"},
                                   {"port_range_min", 1000 + k},
                                   {"port_range_max", 1000 + k}}}})["security_group_rule"]["id"];
             });
}

Figures Cloud::subnet_changes() {
  // The DNS servers of the network every agent has a port on.
  return run([&](int) { return everyone(); },
             [this](const channel::HostState& state, const std::string& dns) {
               const auto it = state.find("subnet:" + wide_subnet_);
               return it != state.end() && it->second["dns_nameservers"] == Json::array({dns});
             },
             [&](int k) -> std::string {
               const std::string dns = "192.0.2." + std::to_string(1 + k % 250);
               set_wide_dns(dns);
               return dns;
             });
}

void Cloud::resync(double& delta_ms, double& delta_bytes, double& snapshot_ms,
                   double& snapshot_bytes) {
  // Agent 0 reconnects, first claiming the revision it applied (nothing changed since: the
  // controller must send an empty delta), then claiming none (a whole snapshot).
  for (bool keep : {true, false}) {
    const auto before = agents_.counters();
    const double seconds = agents_.reconnect(0, keep, std::chrono::seconds(60));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const double bytes = static_cast<double>(agents_.counters()[0].bytes - before[0].bytes);
    (keep ? delta_ms : snapshot_ms) = seconds * 1000;
    (keep ? delta_bytes : snapshot_bytes) = bytes;
  }
}

void print(const char* what, const Figures& f) {
  std::printf(
      "  %-22s p50 %8.1f ms  p99 %8.1f ms  last-agent p50 %8.1f ms  agents %7.1f  "
      "bytes %10.0f  cpu %8.1f ms%s\n",
      what, f.p50_ms, f.p99_ms, f.last_p50_ms, f.touched, f.bytes, f.cpu_ms,
      f.timeouts ? "  TIMEOUTS" : "");
}

struct Run {
  Figures port, rule, subnet;
  double resync_ms = 0, resync_bytes = 0, snapshot_ms = 0, snapshot_bytes = 0, rss = 0;
  int64_t malformed = 0;
};

Run measure_mode(const Settings& s, const std::string& mode) {
  const auto started = std::chrono::steady_clock::now();
  Cloud cloud(s, mode);
  std::printf("%s: %d agents, %d ports, set up in %.1f s, controller RSS then %.1f MiB\n",
              mode.c_str(), s.agents, s.ports,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
              cloud.rss());
  Run r;
  r.port = cloud.port_creates();
  print("port create", r.port);
  r.rule = cloud.rule_changes();
  print("security group rule", r.rule);
  r.subnet = cloud.subnet_changes();
  print("network-wide (subnet)", r.subnet);
  cloud.resync(r.resync_ms, r.resync_bytes, r.snapshot_ms, r.snapshot_bytes);
  r.rss = cloud.rss();
  std::printf(
      "  agent 0 resync (%d ports): by revision %.1f ms / %.0f bytes, snapshot %.1f ms / %.0f "
      "bytes\n",
      s.resync_ports, r.resync_ms, r.resync_bytes, r.snapshot_ms, r.snapshot_bytes);
  std::printf("  controller RSS %.1f MiB\n", r.rss);
  r.malformed = cloud.malformed();
  if (r.malformed) {
    std::printf("  %lld MALFORMED objects received\n", static_cast<long long>(r.malformed));
  }
  std::fflush(stdout);
  return r;
}

}  // namespace
}  // namespace neutrino::bench

int main(int argc, char** argv) {
  using namespace neutrino::bench;
  Settings s;
  s.binary = std::string(argv[0]);
  s.binary = s.binary.substr(0, s.binary.rfind('/') + 1) + "neutrino-controller";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&] {
      if (i + 1 >= argc) {
        throw std::invalid_argument(arg + " needs a value");
      }
      return std::string(argv[++i]);
    };
    if (arg == "--agents") {
      s.agents = std::stoi(value());
    } else if (arg == "--ports") {
      s.ports = std::stoi(value());
    } else if (arg == "--ports-per-network") {
      s.per_network = std::stoi(value());
    } else if (arg == "--changes") {
      s.changes = std::stoi(value());
    } else if (arg == "--resync-ports") {
      s.resync_ports = std::stoi(value());
    } else if (arg == "--mode") {
      s.mode = value();
    } else if (arg == "--controller") {
      s.binary = value();
    } else if (arg == "--smoke") {
      s.agents = 10;
      s.ports = 100;
      s.per_network = 5;
      s.changes = 3;
      s.resync_ports = 10;
    } else {
      std::fprintf(stderr,
                   "usage: fanout_bench [--agents N] [--ports M] [--ports-per-network P] "
                   "[--changes K] [--resync-ports R] [--mode incremental|full|both] [--smoke]\n");
      return 2;
    }
  }
  try {
    std::optional<Run> incremental, full;
    if (s.mode != "full") {
      incremental = measure_mode(s, "incremental");
    }
    if (s.mode != "incremental") {
      full = measure_mode(s, "full");
    }
    bool failed = false;
    for (const auto* r : {incremental ? &*incremental : nullptr, full ? &*full : nullptr}) {
      if (r && (r->port.timeouts || r->rule.timeouts || r->subnet.timeouts || r->malformed ||
                r->resync_ms < 0 || r->snapshot_ms < 0)) {
        failed = true;
      }
    }
    if (incremental && full) {
      auto ratio = [](double a, double b) { return a > 0 ? b / a : 0.0; };
      std::printf(
          "full recompute / incremental: port create p99 %.1fx cpu %.1fx; rule p99 %.1fx "
          "cpu %.1fx; network-wide p99 %.1fx cpu %.1fx\n",
          ratio(incremental->port.p99_ms, full->port.p99_ms),
          ratio(incremental->port.cpu_ms, full->port.cpu_ms),
          ratio(incremental->rule.p99_ms, full->rule.p99_ms),
          ratio(incremental->rule.cpu_ms, full->rule.cpu_ms),
          ratio(incremental->subnet.p99_ms, full->subnet.p99_ms),
          ratio(incremental->subnet.cpu_ms, full->subnet.cpu_ms));
    }
    return failed ? 1 : 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fanout_bench: %s\n", e.what());
    return 1;
  }
}
