#include "agent/compute/instance_record.hpp"

#include <gtest/gtest.h>

namespace neutrino::agent {
namespace {

using compute::PowerState;
using namespace std::chrono_literals;

InstanceRecord record(Task task, std::optional<PowerState> power, bool running = true) {
  InstanceRecord r;
  r.id = "00000000-0000-4000-8000-000000000001";
  r.name = "instance-00000001";
  r.desired = DesiredInstance{};
  r.desired->running = running;
  r.task = task;
  r.power = power;
  r.defined = power.has_value();
  return r;
}

PlanInputs at(bool ports_up, std::chrono::steady_clock::time_point now = {}) {
  return PlanInputs{ports_up, now + 1s, 300s};
}

TEST(NextAction, SpawnsOnlyWhatHasNoDomain) {
  EXPECT_EQ(next_action(record(Task::kSpawning, std::nullopt), at(false)), Action::kSpawn);
  InstanceRecord vanished = record(Task::kReady, std::nullopt);
  vanished.defined = true;
  EXPECT_EQ(next_action(vanished, at(false)), Action::kNone);
}

TEST(NextAction, PausedGuestWaitsForItsPorts) {
  const InstanceRecord r = record(Task::kSpawning, PowerState::kPaused);
  EXPECT_EQ(next_action(r, at(false)), Action::kNone);
  EXPECT_EQ(next_action(r, at(true)), Action::kResume);
  EXPECT_EQ(next_action(record(Task::kSpawning, PowerState::kPaused, false), at(true)),
            Action::kPowerOff);
  PlanInputs late = at(false);
  late.now = r.waiting_since + 301s;
  EXPECT_EQ(next_action(r, late), Action::kPlugTimeout);
}

TEST(NextAction, PowerFollowsTheUsersRequests) {
  EXPECT_EQ(next_action(record(Task::kReady, PowerState::kRunning, false), at(true)),
            Action::kPowerOff);
  EXPECT_EQ(next_action(record(Task::kReady, PowerState::kShutdown, false), at(true)),
            Action::kNone);
  InstanceRecord start = record(Task::kReady, PowerState::kShutdown);
  start.desired->start_count = 1;
  EXPECT_EQ(next_action(start, at(true)), Action::kPowerOn);
  // powered itself off while it should run: left off
  EXPECT_EQ(next_action(record(Task::kReady, PowerState::kShutdown), at(true)), Action::kNone);
}

TEST(NextAction, RebootCounter) {
  InstanceRecord r = record(Task::kReady, PowerState::kRunning);
  r.desired->reboot_count = 2;
  r.applied_reboot = 1;
  EXPECT_EQ(next_action(r, at(true)), Action::kReboot);
  r.applied_reboot = 2;
  EXPECT_EQ(next_action(r, at(true)), Action::kNone);
}

TEST(NextAction, StartCounter) {
  InstanceRecord r = record(Task::kReady, PowerState::kShutdown);
  r.desired->start_count = 3;
  r.applied_start = 2;
  EXPECT_EQ(next_action(r, at(true)), Action::kPowerOn);
  r.applied_start = 3;
  EXPECT_EQ(next_action(r, at(true)), Action::kNone) << "that start was carried out";
  r.applied_start = 2;
  r.power = PowerState::kRunning;
  EXPECT_EQ(next_action(r, at(true)), Action::kNone) << "already runs";
}

TEST(NextAction, DeletedBusyAndFailed) {
  InstanceRecord gone = record(Task::kReady, PowerState::kRunning);
  gone.desired.reset();
  EXPECT_EQ(next_action(gone, at(true)), Action::kDestroy);
  gone.busy = true;
  EXPECT_EQ(next_action(gone, at(true)), Action::kNone);
  EXPECT_EQ(next_action(record(Task::kError, std::nullopt), at(true)), Action::kNone);
  InstanceRecord waiting = record(Task::kReady, PowerState::kRunning, false);
  waiting.retry_after = std::chrono::steady_clock::now() + 1h;
  EXPECT_EQ(next_action(waiting, PlanInputs{true, std::chrono::steady_clock::now(), 300s}),
            Action::kNone);
}

TEST(InstanceRecordReport, ContractShape) {
  InstanceRecord r = record(Task::kError, std::nullopt);
  r.fault = Fault{"No valid image", "spawn failed at step: image"};
  EXPECT_EQ(r.report(),
            (Json{{"id", r.id},
                  {"power_state", "nostate"},
                  {"task", "error"},
                  {"fault",
                   {{"message", "No valid image"}, {"details", "spawn failed at step: image"}}}}));
  EXPECT_EQ(record(Task::kReady, PowerState::kRunning).report()["fault"], nullptr);
}

}  // namespace
}  // namespace neutrino::agent
