#include "agent/app/agent.hpp"

#include <chrono>
#include <filesystem>

#include "agent/app/bridges_tunnels_part.hpp"
#include "agent/app/compute_part.hpp"
#include "agent/app/flows_part.hpp"
#include "agent/app/metadata_part.hpp"
#include "agent/app/ovsdb_openflow_backend.hpp"
#include "common/fd_limit.hpp"
#include "common/log.hpp"
#include "common/termination.hpp"

namespace neutrino::agent {

Agent::Agent(AgentConfig config) : config_(std::move(config)) {
  // Guests' metadata connections are sockets (up to 1,024, docs/metadata.md): that ceiling,
  // not the default soft limit, is what guests must meet.
  raise_fd_limit();
  std::filesystem::create_directories(config_.state_dir);
  if (config_.compute_enabled) {
    compute_ = std::make_unique<ComputeAgent>(
        config_, [this](Json message) { channel_->send(std::move(message)); });
  }
  reconciler_ = std::make_unique<Reconciler>(
      [this](OvsEventHandler events) {
        return std::make_unique<OvsdbOpenFlowBackend>(io_, config_.ovsdb, config_.ovs_rundir,
                                                      std::move(events));
      },
      [this](OvsBackend& ovs) { return make_parts(ovs); },
      [this](int64_t revision, std::vector<std::string> up, std::vector<std::string> down) {
        const std::vector<std::string> wired = up;
        log_first_ack(revision, up.size(), down.size());
        channel_->acknowledge(revision, std::move(up), std::move(down));
        if (compute_) {
          compute_->set_ports_up(wired);  // acked first: a spawning guest may now resume
        }
      });
  ChannelClientOptions options;
  options.controllers = config_.controllers;
  options.secret = config_.agent_secret;
  options.tls = {config_.tls_cert_file, config_.tls_key_file, config_.controller_ca_file};
  Json mappings = Json::object();
  for (const auto& [physnet, bridge] : config_.bridge_mappings) {
    mappings[physnet] = bridge;
  }
  options.identity = {{"host", config_.host},
                      {"tunnel_ip", config_.tunnel_ip},
                      {"bridge_mappings", mappings},
                      {"datapath_type", config_.datapath_type},
                      {"integration_bridge", config_.integration_bridge},
                      {"binary", "neutrino-agent"},
                      {"availability_zone", config_.availability_zone},
                      {"serves_dhcp", true},
                      {"serves_metadata", !config_.metadata_host.empty()},
                      {"version", "0.1.0"}};
  if (compute_) {
    options.decorate_hello = [this](Json& hello) { hello["compute"] = compute_->hello_member(); };
  }
  channel_ = std::make_unique<ChannelClient>(
      io_, options,
      ChannelCallbacks{
          [this](const Json& delta, int64_t revision) {
            reconciler_->apply_delta(delta, revision);
          },
          [this](const ControllerAddress& controller) {
            connected_at_ns_ = std::chrono::steady_clock::now().time_since_epoch().count();
            dhcp_->controller_reconnected();
            reconciler_->poke();
            if (compute_) {
              compute_->connected();
            }
            log::info("connected to the controller at ", controller.to_string(),
                      config_.controller_ca_file.empty() ? "" : " over TLS");
          },
          [](const std::string& reason) { log::warning("lost the controller: ", reason); },
          [this](const Json& message) {
            if (compute_) {
              compute_->handle_message(message);
            }
          }});
}

// How long a (re)connected agent took to bring the host in step with the controller's state:
// what an operator restarting or upgrading an agent waits for (bench/agent_resync_bench.py).
void Agent::log_first_ack(std::int64_t revision, std::size_t up, std::size_t down) {
  const auto since = connected_at_ns_.exchange(0);
  if (since == 0) {
    return;
  }
  const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  log::info("in step with the controller at revision ", revision, ": ", up, " ports wired, ", down,
            " not, ", (now - since) / 1'000'000, " ms after connecting");
}

std::vector<std::unique_ptr<ReconcilerPart>> Agent::make_parts(OvsBackend& ovs) {
  std::vector<std::unique_ptr<ReconcilerPart>> parts;
  if (compute_) {
    parts.push_back(std::make_unique<ComputePart>(
        [this](const ComputePart::Instances& instances) { compute_->set_state(instances); }));
  }
  parts.push_back(std::make_unique<BridgesTunnelsPart>(config_, ovs));
  auto dhcp = std::make_unique<DhcpPart>(config_, io_, ovs, [this](std::vector<std::string> n) {
    channel_->request_dhcp_ports(std::move(n));
  });
  dhcp_ = dhcp.get();
  parts.push_back(std::move(dhcp));
  parts.push_back(std::make_unique<MetadataPart>(config_, io_));
  // Last: it compiles flows for the DHCP ports plugged and the tunnels made above.
  parts.push_back(std::make_unique<FlowsPart>(config_, ovs));
  return parts;
}

Agent::~Agent() {
  stop();
}

void Agent::start() {
  work_ =
      std::make_unique<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>(
          io_.get_executor());
  io_thread_ = std::thread([this] { io_.run(); });
  reconciler_->start();
  if (compute_) {
    compute_->start();
  }
  channel_->start();
  log::info("neutrino-agent for host ", config_.host, " started (tunnel IP ", config_.tunnel_ip,
            ", datapath ", config_.datapath_type, ")");
}

void Agent::stop() {
  if (!io_thread_.joinable()) {
    return;
  }
  channel_->stop();
  if (compute_) {
    compute_->stop();  // guests keep running; a restarted agent adopts them
  }
  reconciler_->stop();
  work_.reset();
  io_.stop();
  io_thread_.join();
  log::info("neutrino-agent stopped; flows stay installed");
}

int Agent::run() {
  run_until_terminated([this] { start(); }, [this] { stop(); });
  return 0;
}

}  // namespace neutrino::agent
