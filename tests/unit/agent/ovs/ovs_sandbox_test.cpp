#include "tests/support/ovs_sandbox.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>

namespace neutrino::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

bool alive(pid_t pid) {
  return kill(pid, 0) == 0 || errno != ESRCH;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) {
    s.pop_back();
  }
  return s;
}

TEST(OvsSandbox, StartsPrivateDaemonsAndRemovesEverythingWhenDestroyed) {
  const auto start = Clock::now();
  auto sandbox = std::make_unique<OvsSandbox>();
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
  std::cout << "[ sandbox ] started in " << ms << " ms\n";
  const std::string dir = sandbox->rundir();
  const pid_t server = sandbox->ovsdb_server_pid();
  const pid_t vswitchd = sandbox->vswitchd_pid();
  EXPECT_EQ(dir.rfind("/tmp/ntr-ovs-", 0), 0u) << dir;
  EXPECT_TRUE(fs::exists(sandbox->db_socket()));
  EXPECT_TRUE(fs::exists(dir + "/ovs-vswitchd.ctl"));
  EXPECT_TRUE(alive(server));
  EXPECT_TRUE(alive(vswitchd));
  EXPECT_LE(sandbox->prefix().size(), 5u);
  EXPECT_THROW(sandbox->name("0123456789abcdef"), std::invalid_argument);

  const std::string br = sandbox->name("br0");
  sandbox->vsctl({"add-br", br, "--", "set", "bridge", br, "datapath_type=netdev"});
  EXPECT_TRUE(fs::exists(dir + "/" + br + ".mgmt"));
  EXPECT_EQ(trim(sandbox->vsctl({"get", "interface", br, "ofport"})), "65534");
  // The bridge's device lives in the sandbox's namespace, not the host's.
  EXPECT_NE(sandbox->run({"ip", "-o", "link", "show"}).out.find(br), std::string::npos);
  EXPECT_FALSE(fs::exists("/sys/class/net/" + br));

  sandbox.reset();
  EXPECT_FALSE(alive(server));
  EXPECT_FALSE(alive(vswitchd));
  EXPECT_FALSE(fs::exists(dir));
  EXPECT_FALSE(fs::exists("/sys/class/net/" + br));
}

// The userspace datapath's "ovs-netdev" device would clash between two sandboxes sharing a
// namespace: the second one could not create any bridge.
TEST(OvsSandbox, TwoSandboxesRunSideBySide) {
  OvsSandbox a;
  OvsSandbox b;
  EXPECT_NE(a.rundir(), b.rundir());
  for (OvsSandbox* sandbox : {&a, &b}) {
    const std::string br = sandbox->name("br");
    sandbox->vsctl({"add-br", br, "--", "set", "bridge", br, "datapath_type=netdev"});
    EXPECT_EQ(trim(sandbox->vsctl({"get", "interface", br, "ofport"})), "65534")
        << sandbox->log_tail("ovs-vswitchd.log");
  }
}

TEST(OvsSandbox, RestartedVswitchdRecreatesBridgesFromTheDatabase) {
  OvsSandbox sandbox;
  const std::string br = sandbox.name("br");
  sandbox.vsctl({"add-br", br, "--", "set", "bridge", br, "datapath_type=netdev"});
  const pid_t before = sandbox.vswitchd_pid();
  sandbox.restart_vswitchd();
  EXPECT_NE(sandbox.vswitchd_pid(), before);
  EXPECT_FALSE(alive(before));
  EXPECT_TRUE(fs::exists(sandbox.rundir() + "/" + br + ".mgmt"))
      << sandbox.log_tail("ovs-vswitchd.log", 40);
  EXPECT_EQ(trim(sandbox.vsctl({"get", "interface", br, "ofport"})), "65534");
}

TEST(OvsSandbox, DatabaseOnlySandboxNeedsNoVswitchd) {
  OvsSandbox sandbox(OvsSandbox::Options{.start_vswitchd = false});
  EXPECT_EQ(sandbox.vswitchd_pid(), -1);
  sandbox.vsctl({"add-br", "x"});  // recorded in the database only
  EXPECT_EQ(trim(sandbox.vsctl({"list-br"})), "x");
}

TEST(OvsSandbox, ReportsAFailingCommand) {
  OvsSandbox sandbox(OvsSandbox::Options{.start_vswitchd = false});
  EXPECT_THROW(sandbox.vsctl({"del-br", "nonexistent"}), std::runtime_error);
}

}  // namespace
}  // namespace neutrino::testing
