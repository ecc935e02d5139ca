#include "compute/driver/fake_compute_driver.hpp"

#include <gtest/gtest.h>

namespace neutrino::compute {
namespace {

DomainSpec spec(const std::string& name) {
  DomainSpec s;
  s.name = name;
  s.uuid = "7b5c2a1e-1111-4222-8333-944455556666";
  return s;
}

TEST(FakeComputeDriver, LifecycleAndListener) {
  FakeComputeDriver driver;
  std::vector<std::string> heard;
  driver.set_change_listener([&](const std::string& name) { heard.push_back(name); });
  driver.define_and_start_paused(spec("instance-00000001"));
  EXPECT_EQ(driver.domain("instance-00000001")->power, PowerState::kPaused);
  driver.resume("instance-00000001");
  EXPECT_EQ(driver.domain("instance-00000001")->power, PowerState::kRunning);
  driver.power_off("instance-00000001", std::chrono::seconds(1));
  EXPECT_EQ(driver.list_domains().at(0).power, PowerState::kShutdown);
  driver.destroy("instance-00000001");
  EXPECT_FALSE(driver.domain("instance-00000001"));
  EXPECT_EQ(heard.size(), 4u);
  EXPECT_EQ(driver.calls(),
            (std::vector<std::string>{"define instance-00000001", "resume instance-00000001",
                                      "power_off instance-00000001", "destroy instance-00000001"}));
}

TEST(FakeComputeDriver, InjectedFailuresAndOutage) {
  FakeComputeDriver driver;
  driver.fail_next("define", "internal error: no such bridge");
  EXPECT_THROW(driver.define_and_start_paused(spec("i")), ComputeDriverError);
  driver.define_and_start_paused(spec("i"));
  driver.set_reachable(false);
  EXPECT_THROW(driver.list_domains(), ComputeDriverError);
  driver.set_reachable(true);
  EXPECT_EQ(driver.list_domains().size(), 1u);
}

}  // namespace
}  // namespace neutrino::compute
