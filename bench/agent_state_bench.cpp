// The agent's cost of one desired-state delta, outside the parts' own work: what the channel
// and the reconciler do between a "delta" message arriving and the parts being handed the
// new state and the keys that changed. A host with 10,000 ports on 100 networks; each
// iteration changes one port. The parts here do nothing but note that the pass ran.
#include <benchmark/benchmark.h>

#include <condition_variable>
#include <mutex>
#include <set>

#include "agent/app/reconciler.hpp"
#include "common/channel/host_state.hpp"
#include "tests/unit/agent/app/no_ovs_backend.hpp"

namespace neutrino::agent {
namespace {

constexpr int kPorts = 10000;
constexpr int kNetworks = 100;

std::string id_of(const char* kind, int n) {
  char id[40];
  std::snprintf(id, sizeof id, "%s-%08d-0000-0000-0000-000000000000", kind, n);
  return std::string(id).substr(0, 36);
}

Json port(int n, const std::string& device_id) {
  const std::string network = id_of("net", n % kNetworks);
  return {{"id", id_of("port", n)},
          {"network_id", network},
          {"mac_address", "fa:16:3e:00:00:00"},
          {"admin_state_up", true},
          {"port_security_enabled", true},
          {"device_owner", "compute:nova"},
          {"device_id", device_id},
          {"project_id", "p"},
          {"fixed_ips", {{{"subnet_id", id_of("sub", n % kNetworks)}, {"ip_address", "10.0.0.5"}}}},
          {"security_groups", {"sg"}},
          {"allowed_address_pairs", Json::array()},
          {"extra_dhcp_opts", Json::array()}};
}

Json snapshot() {
  Json set = Json::object();
  for (int n = 0; n < kNetworks; ++n) {
    set["network:" + id_of("net", n)] = {
        {"id", id_of("net", n)},       {"mtu", 1450},
        {"admin_state_up", true},      {"network_type", "vxlan"},
        {"physical_network", nullptr}, {"segmentation_id", 100 + n}};
    set["subnet:" + id_of("sub", n)] = {{"id", id_of("sub", n)},
                                        {"network_id", id_of("net", n)},
                                        {"cidr", "10.0.0.0/16"},
                                        {"gateway_ip", "10.0.0.1"},
                                        {"enable_dhcp", true},
                                        {"ip_version", 4},
                                        {"dns_nameservers", Json::array()},
                                        {"host_routes", Json::array()}};
  }
  for (int n = 0; n < kPorts; ++n) {
    set["port:" + id_of("port", n)] = port(n, "vm");
  }
  return {{"set", set}, {"remove", Json::array()}};
}

// Counts finished passes so the benchmark can wait for the one its delta caused.
class PassCounter : public ReconcilerPart {
 public:
  std::string_view name() const override { return "counter"; }
  bool uses_ovs() const override { return false; }
  void reconcile(const DesiredState& /*desired*/, const StateChanges& /*changes*/,
                 PassResults& /*results*/) override {
    std::lock_guard lock(mutex_);
    ++passes_;
    done_.notify_all();
  }
  void wait_for(std::uint64_t passes) {
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return passes_ >= passes; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable done_;
  std::uint64_t passes_ = 0;
};

// What the agent's channel client does with a message: note its keys, hand it over.
class Channel {
 public:
  explicit Channel(Reconciler& reconciler) : reconciler_(reconciler) {}
  void deliver(const Json& delta, int64_t revision) {
    for (const auto& item : delta.at("set").items()) {
      keys_.insert(item.key());
    }
    reconciler_.apply_delta(delta, revision);
  }

 private:
  Reconciler& reconciler_;
  std::set<std::string> keys_;
};

void BM_OnePortDelta(benchmark::State& state) {
  PassCounter* counter = nullptr;
  Reconciler reconciler([](OvsEventHandler) { return std::make_unique<testing::NoOvsBackend>(); },
                        [&counter](OvsBackend&) {
                          std::vector<std::unique_ptr<ReconcilerPart>> parts;
                          auto part = std::make_unique<PassCounter>();
                          counter = part.get();
                          parts.push_back(std::move(part));
                          return parts;
                        },
                        [](int64_t, std::vector<std::string>, std::vector<std::string>) {});
  reconciler.start();
  Channel channel(reconciler);
  int64_t revision = 1;
  channel.deliver(snapshot(), revision);
  counter->wait_for(1);
  std::uint64_t passes = 1;
  for (auto _ : state) {
    const int n = static_cast<int>(revision % kPorts);
    Json set = Json::object();
    set["port:" + id_of("port", n)] = port(n, "vm-" + std::to_string(revision));
    channel.deliver({{"set", set}, {"remove", Json::array()}}, ++revision);
    counter->wait_for(++passes);
  }
  reconciler.stop();
}
BENCHMARK(BM_OnePortDelta)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace
}  // namespace neutrino::agent

BENCHMARK_MAIN();
