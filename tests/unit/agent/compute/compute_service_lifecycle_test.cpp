// Power, reboot, delete and restart of the agent: the compute logic after the spawn.
#include <filesystem>

#include "compute/images/image_cache.hpp"
#include "tests/unit/agent/compute/compute_fixture.hpp"

namespace neutrino::agent::testing {
namespace {

namespace fs = std::filesystem;
using ComputeLifecycle = ComputeFixture;

Json with(Json instance, const std::string& key, Json value) {
  instance[key] = std::move(value);
  return instance;
}

TEST_F(ComputeLifecycle, StopAndStart) {
  start();
  run_instance(1);
  service->set_state(state_of({with(instance_json(1), "power", "stopped")}));
  ASSERT_TRUE(reported(1, "shutdown", "ready"));
  EXPECT_EQ(count_calls("power_off " + domain_of(1)), 1);
  service->set_state(state_of({with(instance_json(1), "start_count", 1)}));
  ASSERT_TRUE(reported(1, "running", "ready"));
  EXPECT_EQ(count_calls("power_on " + domain_of(1)), 1);
}

TEST_F(ComputeLifecycle, UsageFollowsTheGuests) {
  start();
  ASSERT_TRUE(service->usage());  // listed at start, for the first hello
  EXPECT_EQ(service->usage()->instances, 0);
  EXPECT_EQ(service->usage()->disk_gb, 0);
  run_instance(1);
  ASSERT_TRUE(eventually([&] { return service->usage()->running == 1; }));
  EXPECT_EQ(service->usage()->vcpus, 1);
  EXPECT_EQ(service->usage()->memory_mb, 64);
  EXPECT_EQ(service->usage()->disk_gb, 1);  // image cache and overlay, rounded up
  service->set_state(state_of({with(instance_json(1), "power", "stopped")}));
  ASSERT_TRUE(eventually([&] { return service->usage()->running == 0; }));
  EXPECT_EQ(service->usage()->instances, 1);
  EXPECT_EQ(service->usage()->vcpus, 0);
  service->set_state(state_of({}));
  ASSERT_TRUE(eventually([&] { return service->usage()->instances == 0; }));
}

TEST_F(ComputeLifecycle, UsageIsUnknownWhileLibvirtNeverAnswered) {
  driver.set_reachable(false);
  start();
  EXPECT_FALSE(service->usage());
  driver.set_reachable(true);
  ASSERT_TRUE(eventually([&] { return service->usage().has_value(); }));
}

TEST_F(ComputeLifecycle, StopThenStartBeforeThePlannerLooksStillStartsTheGuest) {
  start();
  run_instance(1);
  driver.set_power(domain_of(1), PowerState::kShutdown);  // `poweroff` inside the guest
  ASSERT_TRUE(reported(1, "shutdown", "ready"));
  // back to back: the planner may see only the second state; the stop must not be lost
  service->set_state(state_of({with(instance_json(1), "power", "stopped")}));
  service->set_state(state_of({with(instance_json(1), "start_count", 1)}));
  ASSERT_TRUE(reported(1, "running", "ready"));
  EXPECT_EQ(count_calls("power_on " + domain_of(1)), 1);
}

TEST_F(ComputeLifecycle, StartMergedWithTheStopTheControllerRecordedStartsTheGuestOnce) {
  start();
  run_instance(1);
  driver.set_power(domain_of(1), PowerState::kShutdown);  // `poweroff` inside the guest
  ASSERT_TRUE(reported(1, "shutdown", "ready"));
  // The controller recorded the stop and then `server start` before its push went out: the
  // agent never sees "stopped", only the start's counter.
  service->set_state(state_of({with(instance_json(1), "start_count", 1)}));
  ASSERT_TRUE(reported(1, "running", "ready"));
  EXPECT_EQ(count_calls("power_on " + domain_of(1)), 1);
  // carried out once: the guest powering itself off again stays off, across a restart too
  driver.set_power(domain_of(1), PowerState::kShutdown);
  ASSERT_TRUE(reported(1, "shutdown", "ready"));
  service.reset();
  sent.clear();
  start();
  service->set_state(state_of({with(instance_json(1), "start_count", 1)}));
  ASSERT_TRUE(reported(1, "shutdown", "ready"));
  std::this_thread::sleep_for(400ms);
  EXPECT_EQ(count_calls("power_on " + domain_of(1)), 1);
}

TEST_F(ComputeLifecycle, AStartIsReportedEvenWhenTheGuestIsOffAgainAtOnce) {
  const auto shutdown_reports = [this] {
    int n = 0;
    for (const auto& message : messages()) {
      for (const auto& report : message.value("instances", Json::array())) {
        n += report["id"] == uuid_of(1) && report["power_state"] == "shutdown" ? 1 : 0;
      }
    }
    return n;
  };
  start();
  run_instance(1);
  driver.set_power(domain_of(1), PowerState::kShutdown);  // `poweroff` inside the guest
  ASSERT_TRUE(reported(1, "shutdown", "ready"));
  const int before = shutdown_reports();
  // Started, the guest is off again before the agent looks: the same state as before, but
  // the controller waits for a report to end the start's task.
  driver.power_off_when_started(domain_of(1));
  service->set_state(state_of({with(instance_json(1), "start_count", 1)}));
  EXPECT_TRUE(eventually([&] { return shutdown_reports() > before; }));
  EXPECT_EQ(count_calls("power_on " + domain_of(1)), 1);
}

TEST_F(ComputeLifecycle, GuestThatPoweredItselfOffStaysOffUntilStarted) {
  start();
  run_instance(1);
  driver.set_power(domain_of(1), PowerState::kShutdown);  // `poweroff` inside the guest
  ASSERT_TRUE(reported(1, "shutdown", "ready"));
  std::this_thread::sleep_for(400ms);
  EXPECT_EQ(count_calls("power_on " + domain_of(1)), 0);
  // the controller records SHUTOFF (power: stopped); the user starts it again
  service->set_state(state_of({with(instance_json(1), "power", "stopped")}));
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(count_calls("power_off " + domain_of(1)), 0) << "already off";
  service->set_state(state_of({with(instance_json(1), "start_count", 1)}));
  ASSERT_TRUE(reported(1, "running", "ready"));
  EXPECT_EQ(count_calls("power_on " + domain_of(1)), 1);
}

TEST_F(ComputeLifecycle, RebootWhenTheCounterGrows) {
  start();
  run_instance(1);
  service->set_state(state_of({with(instance_json(1), "reboot_count", 1)}));
  ASSERT_TRUE(eventually([&] { return count_calls("power_on " + domain_of(1)) == 1; }));
  EXPECT_EQ(count_calls("power_off " + domain_of(1)), 1);  // soft: graceful, then start
  Json hard = with(instance_json(1), "reboot_count", 2);
  hard["reboot_type"] = "HARD";
  service->set_state(state_of({hard}));
  ASSERT_TRUE(eventually([&] { return count_calls("reboot hard " + domain_of(1)) == 1; }));
  service->set_state(state_of({hard}));  // the same counter again: nothing
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(count_calls("reboot hard " + domain_of(1)), 1);
  EXPECT_EQ(count_calls("power_on " + domain_of(1)), 1);
  ASSERT_TRUE(reported(1, "running", "ready"));
}

TEST_F(ComputeLifecycle, DeleteDestroysDomainDirectoryAndUnusedImage) {
  source.add("image-2", "second image");
  start();
  run_instance(1);
  Json second = instance_json(2, "image-2", "second image");
  service->set_state(state_of({instance_json(1), second}));
  ASSERT_TRUE(reported(2, "paused", "spawning"));
  const std::string base1 =
      options.instances_path + "/_base/" + compute::ImageCache::cache_name("image-1");
  const std::string base2 =
      options.instances_path + "/_base/" + compute::ImageCache::cache_name("image-2");
  service->set_state(state_of({second}));
  ASSERT_TRUE(eventually([&] { return !fs::exists(instance_dir(1)); }));
  EXPECT_FALSE(driver.domain(domain_of(1)));
  // one last report, which lets the controller finish the deletion
  ASSERT_TRUE(reported(1, "nostate", "deleted"));
  ASSERT_TRUE(eventually([&] { return !fs::exists(base1); }));
  EXPECT_TRUE(fs::exists(base2)) << "still used by instance 2";
  EXPECT_TRUE(fs::exists(instance_dir(2)));
  service->set_state(state_of({}));
  ASSERT_TRUE(eventually([&] { return !fs::exists(base2) && !fs::exists(instance_dir(2)); }));
}

TEST_F(ComputeLifecycle, DeleteWhileSpawningCleansUpAfterTheSpawn) {
  source.hold();
  start();
  service->set_state(state_of({instance_json(1)}));
  ASSERT_TRUE(reported(1, "nostate", "spawning"));
  service->set_state(state_of({}));
  source.release();
  ASSERT_TRUE(eventually(
      [&] { return count_calls("destroy " + domain_of(1)) == 1 && !fs::exists(instance_dir(1)); }));
  EXPECT_EQ(count_calls("resume " + domain_of(1)), 0);
}

TEST_F(ComputeLifecycle, RestartedAgentAdoptsRunningGuestsWithoutTouchingThem) {
  start();
  run_instance(1);
  service->set_state(state_of({with(instance_json(1), "reboot_count", 3)}));
  ASSERT_TRUE(eventually([&] { return count_calls("power_on " + domain_of(1)) == 1; }));
  ASSERT_TRUE(reported(1, "running", "ready"));
  service.reset();  // the agent stops; the domain keeps running
  const size_t calls_before = driver.calls().size();
  sent.clear();
  start();
  service->set_state(state_of({with(instance_json(1), "reboot_count", 3)}));
  ASSERT_TRUE(reported(1, "running", "ready"));
  std::this_thread::sleep_for(400ms);
  // no define, resume, power or reboot call: the guest was not touched
  EXPECT_EQ(driver.calls().size(), calls_before) << driver.calls().back();
}

TEST_F(ComputeLifecycle, RestartedAgentResumesAPausedGuestOnlyOnceItsPortsAreUp) {
  start();
  service->set_state(state_of({instance_json(1)}));
  ASSERT_TRUE(reported(1, "paused", "spawning"));
  service.reset();  // the agent dies between "started paused" and "ports up"
  start();
  service->set_state(state_of({instance_json(1)}));
  ASSERT_TRUE(reported(1, "paused", "spawning"));
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(count_calls("define " + domain_of(1)), 1) << "adopted, not spawned again";
  EXPECT_EQ(count_calls("resume " + domain_of(1)), 0);
  service->set_ports_up({port_of(1)});
  ASSERT_TRUE(reported(1, "running", "ready"));
}

TEST_F(ComputeLifecycle, StartRequestedWhileTheAgentWasDownIsCarriedOut) {
  start();
  run_instance(1);
  service->set_state(state_of({with(instance_json(1), "power", "stopped")}));
  ASSERT_TRUE(reported(1, "shutdown", "ready"));
  service.reset();
  start();
  service->set_state(state_of({with(instance_json(1), "start_count", 1)}));  // `server start`
  ASSERT_TRUE(reported(1, "running", "ready"));
  EXPECT_EQ(count_calls("power_on " + domain_of(1)), 1);
}

TEST_F(ComputeLifecycle, LeftoversOfDeletedInstancesAreRemoved) {
  start();
  run_instance(1);
  service.reset();
  start();
  service->set_state(state_of({}));  // deleted while the agent was down
  ASSERT_TRUE(eventually([&] { return !fs::exists(instance_dir(1)); }));
  EXPECT_FALSE(driver.domain(domain_of(1)));
}

TEST_F(ComputeLifecycle, HypervisorOutageIsNotFatal) {
  start();
  run_instance(1);
  driver.set_reachable(false);
  service->set_state(state_of({with(instance_json(1), "power", "stopped")}));
  std::this_thread::sleep_for(400ms);
  EXPECT_EQ(last_report(1)["power_state"], "running") << "last known state kept";
  driver.set_reachable(true);  // libvirtd back: the stop goes through on retry
  ASSERT_TRUE(reported(1, "shutdown", "ready"));
}

}  // namespace
}  // namespace neutrino::agent::testing
