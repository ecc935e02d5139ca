#pragma once
// The reconciler parts against a private Open vSwitch (real ovsdb-server and ovs-vswitchd in
// their own network namespace, tests/support/ovs_sandbox.hpp) through the real backend, with
// an agent configuration naming the sandbox's bridges and a fresh state directory.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

#include "agent/app/agent_config.hpp"
#include "agent/app/ovsdb_openflow_backend.hpp"
#include "agent/app/pass_results.hpp"
#include "tests/support/ovs_sandbox.hpp"
#include "tests/unit/agent/ovs/ovsdb_fixture.hpp"

namespace neutrino::agent::testing {

class OvsPartsTest : public ::testing::Test {
 protected:
  OvsPartsTest();
  ~OvsPartsTest() override;

  // A backend connected to the sandbox, counting the events it reports.
  std::unique_ptr<OvsdbOpenFlowBackend> make_backend();
  // Plugs an internal interface with iface-id `port_id` into the integration bridge the way
  // Nova/libvirt do; returns its ofport.
  std::uint32_t plug(const std::string& device, const std::string& port_id);
  void unplug(const std::string& device);
  std::vector<std::string> port_names(const std::string& bridge) const;
  // Our flows on `bridge`, and whether one of them contains `text`.
  std::vector<std::string> flows(const std::string& bridge);
  bool has_flow_with(const std::string& bridge, const std::string& text);

  ovs::testing::IoThread io_;
  neutrino::testing::OvsSandbox sandbox_;
  std::filesystem::path state_dir_;
  AgentConfig config_;
  std::atomic<int> interface_events_{0};
  std::atomic<int> lost_events_{0};
  std::unique_ptr<OvsdbOpenFlowBackend> backend_;  // last: goes first
};

}  // namespace neutrino::agent::testing
