// The Reconciler's loop with the real backend and the bridges, tunnels and flows parts
// against a private Open vSwitch: passes run on events (a state push, a plug, a restarted
// ovs-vswitchd), never on a timer.
#include "agent/app/reconciler.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <thread>

#include "agent/app/bridges_tunnels_part.hpp"
#include "agent/app/flows_part.hpp"
#include "tests/unit/agent/app/ovs_parts_fixture.hpp"
#include "tests/unit/agent/app/test_desired.hpp"
#include "tests/unit/dataplane/pipeline/host_state_builder.hpp"

namespace neutrino::agent::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
namespace openflow = dataplane::openflow;

// Generous: the machine running the tests is shared and loaded.
constexpr auto kDeadline = 20s;

class ReconcilerTest : public OvsPartsTest {
 protected:
  ReconcilerTest() { backend_.reset(); }  // the reconciler builds its own
  ~ReconcilerTest() override { reconciler_.reset(); }

  void start() {
    reconciler_ = std::make_unique<Reconciler>(
        [this](OvsEventHandler events) {
          return std::make_unique<OvsdbOpenFlowBackend>(io_.io(), config_.ovsdb, config_.ovs_rundir,
                                                        std::move(events));
        },
        [this](OvsBackend& ovs) {
          std::vector<std::unique_ptr<ReconcilerPart>> parts;
          parts.push_back(std::make_unique<BridgesTunnelsPart>(config_, ovs));
          parts.push_back(std::make_unique<FlowsPart>(config_, ovs));
          return parts;
        },
        [this](int64_t revision, std::vector<std::string> up, std::vector<std::string>) {
          std::lock_guard lock(mutex_);
          acked_revision_ = revision;
          acked_up_ = std::move(up);
          acked_.notify_all();
        });
    reconciler_->start();
  }

  // Waits until an ack says `up` at `revision`; returns how long that took.
  std::chrono::milliseconds wait_for_ack(int64_t revision, std::vector<std::string> up) {
    const auto started = std::chrono::steady_clock::now();
    std::unique_lock lock(mutex_);
    const bool acked = acked_.wait_for(
        lock, kDeadline, [&] { return acked_revision_ == revision && acked_up_ == up; });
    EXPECT_TRUE(acked) << "no ack of revision " << revision;
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 started);
  }

  // Our flows as a fresh OpenFlow session sees them, once any exist.
  std::vector<std::string> wait_for_flows() {
    const auto deadline = std::chrono::steady_clock::now() + kDeadline;
    for (;;) {
      try {
        auto connection = std::make_unique<openflow::OpenFlowConnection>(
            openflow::OpenFlowConnection::management_socket(config_.ovs_rundir,
                                                            config_.integration_bridge));
        auto flows = connection->dump_flows(FlowsPart::kCookie, ~0ULL);
        if (!flows.empty() || std::chrono::steady_clock::now() > deadline) {
          return flows;
        }
      } catch (const std::exception&) {
        if (std::chrono::steady_clock::now() > deadline) {
          throw;
        }
      }
      std::this_thread::sleep_for(50ms);  // the test's own wait, not the agent's
    }
  }

  static channel::HostState guest_state() {
    dataplane::pipeline::HostStateBuilder b;
    b.network("n1", "vxlan", 100)
        .subnet("sub-v4", "n1", "10.0.0.0/24")
        .port("p1", "n1", "fa:16:3e:00:00:01", {"10.0.0.5"}, false);
    return b.state();
  }

  std::unique_ptr<Reconciler> reconciler_;
  std::mutex mutex_;
  std::condition_variable acked_;
  int64_t acked_revision_ = -1;
  std::vector<std::string> acked_up_;
};

TEST_F(ReconcilerTest, PlugIsNoticedFromTheMonitorAndIdleMeansNoPasses) {
  start();
  reconciler_->apply_delta(snapshot_delta(guest_state()), 1);
  wait_for_ack(1, {});
  const auto plugging = std::chrono::steady_clock::now();
  plug(sandbox_.name("tap1"), "p1");  // ovs-vsctl: returns once ovs-vswitchd added it
  wait_for_ack(1, {"p1"});
  std::cout << "ovs-vsctl add-port to ack up: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - plugging)
                   .count()
            << " ms\n";

  // Once the plug's own events have settled (ofport, link state: a quiet second, on a loaded
  // machine perhaps later), nothing happens and no pass runs: no periodic safety pass, no
  // liveness polling.
  auto passes = reconciler_->passes();
  for (int i = 0; i < 10; ++i) {
    std::this_thread::sleep_for(1s);
    const auto now = reconciler_->passes();
    if (now == passes) {
      break;
    }
    passes = now;
  }
  std::this_thread::sleep_for(3s);
  EXPECT_EQ(reconciler_->passes(), passes);
}

TEST_F(ReconcilerTest, RestartedVswitchdGetsItsFlowsBackWithoutAStatePush) {
  start();
  reconciler_->apply_delta(snapshot_delta(guest_state()), 1);
  wait_for_ack(1, {});  // the bridges exist: the plug below needs them
  plug(sandbox_.name("tap1"), "p1");
  wait_for_ack(1, {"p1"});
  const auto before = wait_for_flows();
  ASSERT_FALSE(before.empty());

  const auto restarted = std::chrono::steady_clock::now();
  sandbox_.restart_vswitchd();  // the userspace datapath loses every flow
  const auto after = wait_for_flows();
  std::cout << "flows back "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - restarted)
                   .count()
            << " ms after the restart began\n";
  EXPECT_EQ(after.size(), before.size());
}

TEST_F(ReconcilerTest, NothingIsRemovedBeforeTheFirstSnapshot) {
  // A previous agent's flows (bridges and all) are in place.
  start();
  reconciler_->apply_delta(snapshot_delta(guest_state()), 1);
  wait_for_ack(1, {});
  const auto installed = wait_for_flows();
  reconciler_.reset();

  start();  // no state pushed yet
  std::this_thread::sleep_for(1s);
  EXPECT_GE(reconciler_->passes(), 1u);
  EXPECT_EQ(wait_for_flows().size(), installed.size());
}

}  // namespace
}  // namespace neutrino::agent::testing
