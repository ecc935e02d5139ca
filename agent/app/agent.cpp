#include "agent/app/agent.hpp"

#include <filesystem>

#include "common/fd_limit.hpp"
#include "common/log.hpp"
#include "common/termination.hpp"

namespace neutrino::agent {

Agent::Agent(AgentConfig config) : config_(std::move(config)) {
  // Guests' metadata connections are sockets (up to 1,024, docs/metadata.md): that ceiling,
  // not the default soft limit, is what guests must meet.
  raise_fd_limit();
  std::filesystem::create_directories(config_.state_dir);
  reconciler_ = std::make_unique<Reconciler>(
      config_, io_,
      [this](int64_t revision, std::vector<std::string> up, std::vector<std::string> down) {
        channel_->acknowledge(revision, std::move(up), std::move(down));
      },
      [this](std::vector<std::string> networks) {
        channel_->request_dhcp_ports(std::move(networks));
      });
  ChannelClientOptions options;
  options.controller_host = config_.controller_host;
  options.controller_port = config_.controller_port;
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
                      {"version", "0.1.0"}};
  channel_ = std::make_unique<ChannelClient>(
      io_, options,
      ChannelCallbacks{
          [this](const channel::HostState& state, int64_t revision) {
            reconciler_->set_state(state, revision);
          },
          [this] {
            reconciler_->controller_reconnected();
            log::info("connected to the controller at ", config_.controller_host, ":",
                      config_.controller_port,
                      config_.controller_ca_file.empty() ? "" : " over TLS");
          },
          [](const std::string& reason) { log::warning("lost the controller: ", reason); }});
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
  channel_->start();
  log::info("neutrino-agent for host ", config_.host, " started (tunnel IP ", config_.tunnel_ip,
            ", datapath ", config_.datapath_type, ")");
}

void Agent::stop() {
  if (!io_thread_.joinable()) {
    return;
  }
  channel_->stop();
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
