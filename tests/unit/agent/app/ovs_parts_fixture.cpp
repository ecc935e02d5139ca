#include "tests/unit/agent/app/ovs_parts_fixture.hpp"

#include <stdlib.h>

#include <sstream>

#include "agent/app/flows_part.hpp"

namespace neutrino::agent::testing {

OvsPartsTest::OvsPartsTest() {
  char dir[] = "/tmp/ntr-agent-parts-XXXXXX";
  if (!mkdtemp(dir)) {
    throw std::runtime_error("mkdtemp failed");
  }
  state_dir_ = dir;
  config_.host = "h1";
  config_.tunnel_ip = "192.0.2.1";
  config_.datapath_type = "netdev";
  config_.integration_bridge = sandbox_.name("int");
  config_.tunnel_bridge = sandbox_.name("tun");
  config_.ovsdb = sandbox_.db_target();
  config_.ovs_rundir = sandbox_.rundir();
  config_.state_dir = state_dir_.string();
  backend_ = make_backend();
}

OvsPartsTest::~OvsPartsTest() {
  backend_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(state_dir_, ignored);
}

std::unique_ptr<OvsdbOpenFlowBackend> OvsPartsTest::make_backend() {
  auto backend = std::make_unique<OvsdbOpenFlowBackend>(
      io_.io(), config_.ovsdb, config_.ovs_rundir, [this](OvsEvent event) {
        ++(event == OvsEvent::kConnectionLost ? lost_events_ : interface_events_);
      });
  backend->connect();
  return backend;
}

std::uint32_t OvsPartsTest::plug(const std::string& device, const std::string& port_id) {
  sandbox_.vsctl({"add-port", config_.integration_bridge, device, "--", "set", "Interface", device,
                  "type=internal", "external_ids:iface-id=" + port_id,
                  "external_ids:attached-mac=fa:16:3e:00:00:01"});
  return static_cast<std::uint32_t>(
      std::stoul(sandbox_.vsctl({"get", "Interface", device, "ofport"})));
}

void OvsPartsTest::unplug(const std::string& device) {
  sandbox_.vsctl({"del-port", config_.integration_bridge, device});
}

std::vector<std::string> OvsPartsTest::port_names(const std::string& bridge) const {
  std::istringstream lines(sandbox_.vsctl({"list-ports", bridge}));
  std::vector<std::string> out;
  for (std::string line; std::getline(lines, line);) {
    out.push_back(line);
  }
  return out;
}

std::vector<std::string> OvsPartsTest::flows(const std::string& bridge) {
  return backend_->dump_flows(bridge, FlowsPart::kCookie);
}

bool OvsPartsTest::has_flow_with(const std::string& bridge, const std::string& text) {
  for (const auto& flow : flows(bridge)) {
    if (flow.find(text) != std::string::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace neutrino::agent::testing
