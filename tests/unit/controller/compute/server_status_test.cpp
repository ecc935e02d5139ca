// Nova's status mapping and how agent reports move an instance's state.
#include <gtest/gtest.h>

#include "controller/compute/server_status.hpp"

namespace neutrino::compute {
namespace {

TEST(ServerStatus, MapsStatesAsNova) {
  EXPECT_EQ(server_status("building", "spawning"), "BUILD");
  EXPECT_EQ(server_status("active", std::nullopt), "ACTIVE");
  EXPECT_EQ(server_status("active", "powering-off"), "ACTIVE");
  EXPECT_EQ(server_status("active", "rebooting"), "REBOOT");
  EXPECT_EQ(server_status("active", "rebooting_hard"), "HARD_REBOOT");
  EXPECT_EQ(server_status("stopped", "powering-on"), "SHUTOFF");
  EXPECT_EQ(server_status("error", std::nullopt), "ERROR");
  EXPECT_EQ(server_status("paused", std::nullopt), "PAUSED");
  EXPECT_EQ(server_status("weird", std::nullopt), "UNKNOWN");
}

TEST(ServerStatus, StatusFiltersSelectStatesAsNova) {
  const StatusFilter active = status_filter({"active"});
  EXPECT_TRUE(active.matches("active", std::nullopt));
  EXPECT_TRUE(active.matches("active", std::string("rebooting")));  // Nova's quirk
  EXPECT_FALSE(active.matches("stopped", std::nullopt));
  const StatusFilter reboot = status_filter({"REBOOT"});
  EXPECT_TRUE(reboot.matches("active", std::string("rebooting")));
  EXPECT_FALSE(reboot.matches("active", std::nullopt));
  EXPECT_TRUE(status_filter({"nonsense"}).vm_states.empty());
}

TEST(ServerStatus, PowerStateNumbers) {
  EXPECT_EQ(power_state_code("running"), 1);
  EXPECT_EQ(power_state_code("paused"), 3);
  EXPECT_EQ(power_state_code("shutdown"), 4);
  EXPECT_EQ(power_state_code("crashed"), 6);
  EXPECT_EQ(power_state_code("nostate"), 0);
  EXPECT_EQ(power_state_code("garbage"), 0);
}

InstanceState state(const char* vm, std::optional<std::string> task,
                    const char* desired = "running") {
  return {vm, std::move(task), 0, desired};
}

TEST(ServerStatus, BuildThenActive) {
  const auto spawning = apply_report(state("building", "spawning"), {"paused", "spawning", false});
  EXPECT_EQ(spawning.vm_state, "building");
  EXPECT_EQ(spawning.power_state, kPaused);
  const auto active = apply_report(spawning, {"running", "ready", false});
  EXPECT_EQ(active.vm_state, "active");
  EXPECT_FALSE(active.task_state);
  EXPECT_EQ(active.power_state, kRunning);
}

TEST(ServerStatus, ErrorWhenTheAgentFails) {
  const auto failed = apply_report(state("building", "spawning"), {"nostate", "error", true});
  EXPECT_EQ(failed.vm_state, "error");
  EXPECT_FALSE(failed.task_state);
}

TEST(ServerStatus, StopAndStart) {
  // Asked to stop: still running keeps the task; shut down ends it.
  const auto stopping = state("active", "powering-off", "stopped");
  EXPECT_EQ(apply_report(stopping, {"running", "ready", false}).task_state, "powering-off");
  const auto stopped = apply_report(stopping, {"shutdown", "ready", false});
  EXPECT_EQ(stopped.vm_state, "stopped");
  EXPECT_FALSE(stopped.task_state);
  EXPECT_EQ(stopped.desired_power, "stopped");
  const auto starting = state("stopped", "powering-on");
  EXPECT_EQ(apply_report(starting, {"shutdown", "ready", false}).task_state, "powering-on");
  const auto started = apply_report(starting, {"running", "ready", false});
  EXPECT_EQ(started.vm_state, "active");
  EXPECT_FALSE(started.task_state);
}

TEST(ServerStatus, AGuestThatPowersItselfOffIsStoppedAndWantedStopped) {
  const auto off = apply_report(state("active", std::nullopt), {"shutdown", "ready", false});
  EXPECT_EQ(off.vm_state, "stopped");
  EXPECT_EQ(off.power_state, kShutdown);
  EXPECT_EQ(off.desired_power, "stopped");
  const auto crashed = apply_report(state("active", std::nullopt), {"crashed", "ready", false});
  EXPECT_EQ(crashed.vm_state, "stopped");
  EXPECT_EQ(crashed.power_state, kCrashed);
}

TEST(ServerStatus, RebootsEndWhenTheGuestRunsAgain) {
  const auto hard = state("active", "rebooting_hard");
  const auto down = apply_report(hard, {"shutdown", "ready", false});
  EXPECT_EQ(down.task_state, "rebooting_hard");  // on its way back up
  EXPECT_EQ(down.desired_power, "running");
  EXPECT_FALSE(apply_report(down, {"running", "ready", false}).task_state);
}

}  // namespace
}  // namespace neutrino::compute
