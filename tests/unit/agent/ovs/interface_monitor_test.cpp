#include "agent/ovs/interface_monitor.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>

#include "agent/ovs/bridge_manager.hpp"
#include "tests/unit/agent/ovs/event_log.hpp"
#include "tests/unit/agent/ovs/ovsdb_fixture.hpp"

namespace neutrino::agent::ovs::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using Kind = InterfaceEvent::Kind;

struct Seen {
  InterfaceEvent event;
  Clock::time_point at;
};

class InterfaceMonitorTest : public OvsdbTest {
 protected:
  InterfaceMonitorTest() {
    BridgeSpec spec;
    spec.datapath_type = "netdev";
    BridgeManager(*client_).ensure_bridge(bridge_, spec);
  }

  std::unique_ptr<InterfaceMonitor> start() {
    return std::make_unique<InterfaceMonitor>(*client_, [this](const InterfaceEvent& event) {
      events_.push({event, Clock::now()});
    });
  }

  // What Nova/libvirt do when plugging a guest port.
  void plug(const std::string& name, const std::string& port_id, const std::string& mac) {
    sandbox_.vsctl({"add-port", bridge_, name, "--", "set", "Interface", name, "type=internal",
                    "external_ids:iface-id=" + port_id, "external_ids:attached-mac=" + mac});
  }

  std::optional<Seen> wait(Kind kind, const std::string& name,
                           std::chrono::milliseconds timeout = 1s) {
    return events_.wait_for(
        [&](const Seen& s) { return s.event.kind == kind && s.event.interface.name == name; },
        timeout);
  }

  const std::string bridge_ = sandbox_.name("int");
  EventLog<Seen> events_;
};

TEST_F(InterfaceMonitorTest, ReportsAPluggedGuestPortAndItsRemovalFromOvsdbUpdates) {
  auto monitor = start();
  const std::string tap = sandbox_.name("tap1");
  const auto before_plug = Clock::now();
  plug(tap, "4f1b8a52-1111-2222-3333-444455556666", "fa:16:3e:12:34:56");
  const auto plugged = Clock::now();
  const auto appeared = wait(Kind::kAppeared, tap);
  ASSERT_TRUE(appeared) << "no kAppeared within 1 s after ovs-vsctl returned";
  std::cout
      << "[ timing  ] appeared "
      << std::chrono::duration_cast<std::chrono::milliseconds>(appeared->at - before_plug).count()
      << " ms after ovs-vsctl add-port started (which itself took "
      << std::chrono::duration_cast<std::chrono::milliseconds>(plugged - before_plug).count()
      << " ms)\n";
  EXPECT_FALSE(appeared->event.initial);
  EXPECT_EQ(appeared->event.interface.iface_id, "4f1b8a52-1111-2222-3333-444455556666");
  EXPECT_EQ(appeared->event.interface.attached_mac, "fa:16:3e:12:34:56");
  EXPECT_EQ(appeared->event.interface.type, "internal");

  // ovs-vswitchd adds the device, then records its ofport: a change event, no polling.
  const auto with_ofport = events_.wait_for(
      [&](const Seen& s) {
        return s.event.interface.name == tap && s.event.interface.ofport.value_or(-1) > 0;
      },
      2s);
  ASSERT_TRUE(with_ofport);
  EXPECT_NE(with_ofport->event.interface.mac_in_use, "");

  const auto before_unplug = Clock::now();
  sandbox_.vsctl({"del-port", bridge_, tap});
  const auto gone = wait(Kind::kDisappeared, tap);
  ASSERT_TRUE(gone) << "no kDisappeared within 1 s after ovs-vsctl returned";
  std::cout
      << "[ timing  ] disappeared "
      << std::chrono::duration_cast<std::chrono::milliseconds>(gone->at - before_unplug).count()
      << " ms after ovs-vsctl del-port started\n";
  EXPECT_EQ(gone->event.interface.iface_id, "4f1b8a52-1111-2222-3333-444455556666");
  EXPECT_TRUE(monitor->interfaces().empty());
}

TEST_F(InterfaceMonitorTest, ReportsPortsPresentAtStartAsInitial) {
  const std::string tap = sandbox_.name("tap1");
  plug(tap, "port-a", "fa:16:3e:00:00:0a");
  auto monitor = start();
  // Reported before the constructor returned (later changes, e.g. of link_state, may follow).
  const auto events = events_.values();
  ASSERT_GE(events.size(), 1u);
  EXPECT_EQ(
      std::count_if(events.begin(), events.end(), [](const Seen& s) { return s.event.initial; }),
      1);
  EXPECT_EQ(events[0].event.kind, Kind::kAppeared);
  EXPECT_TRUE(events[0].event.initial);
  EXPECT_EQ(events[0].event.interface.iface_id, "port-a");
  ASSERT_EQ(monitor->interfaces().size(), 1u);
  EXPECT_EQ(monitor->interfaces()[0].name, tap);
}

TEST_F(InterfaceMonitorTest, OnlyInterfacesWithAnIfaceIdCount) {
  auto monitor = start();
  const std::string tap = sandbox_.name("plain");
  sandbox_.vsctl({"add-port", bridge_, tap, "--", "set", "Interface", tap, "type=internal"});
  sandbox_.vsctl({"set", "Interface", tap, "external_ids:iface-id=late"});
  const auto appeared = wait(Kind::kAppeared, tap);
  ASSERT_TRUE(appeared);
  EXPECT_EQ(appeared->event.interface.iface_id, "late");
  sandbox_.vsctl({"remove", "Interface", tap, "external_ids", "iface-id"});
  EXPECT_TRUE(wait(Kind::kDisappeared, tap));
  // The bridge's own interface and the plain port were never reported.
  for (const auto& seen : events_.values()) {
    EXPECT_EQ(seen.event.interface.name, tap);
    EXPECT_FALSE(seen.event.interface.iface_id.empty());
  }
}

TEST_F(InterfaceMonitorTest, NothingIsReportedAfterTheMonitorIsDestroyed) {
  auto monitor = start();
  monitor.reset();
  plug(sandbox_.name("tap1"), "port-b", "fa:16:3e:00:00:0b");
  BridgeManager(*client_).wait_applied();  // ofport assigned: every update has been sent
  EXPECT_EQ(events_.size(), 0u);
}

}  // namespace
}  // namespace neutrino::agent::ovs::testing
