#pragma once
// What the netlink tests share: a per-process name prefix ("ntr" + 4 random characters) so
// nothing here can collide with, or clean up, anything that is not ours; namespaces that are
// removed even when a test fails; a sweep of the prefix after every test and at exit; and a
// way to assert with the real iproute2 tools.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace neutrino::agent::netlink::testing {

// "ntrXXXX": 7 characters, leaving 8 for suffixes within IFNAMSIZ.
const std::string& prefix();
// The third octet of 10.250.N.0/24, random per process. Only used inside our namespaces.
int subnet_octet();
std::string ip4(int last_octet);  // "10.250.N.<last_octet>"

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};
CommandResult run(const std::string& command);

// Removes every namespace and host interface whose name starts with prefix().
void sweep();

bool wait_until(const std::function<bool()>& condition,
                std::chrono::milliseconds timeout = std::chrono::seconds(5));

// A namespace that exists for the guard's lifetime.
class NamespaceGuard {
 public:
  explicit NamespaceGuard(const std::string& suffix);
  ~NamespaceGuard();
  NamespaceGuard(const NamespaceGuard&) = delete;
  NamespaceGuard& operator=(const NamespaceGuard&) = delete;

  const std::string& name() const { return name_; }

 private:
  std::string name_;
};

// Sweeps after each test, so one failure cannot leak into the next test.
class NetnsTest : public ::testing::Test {
 protected:
  void TearDown() override { sweep(); }
};

// Namespaces A and B joined by a veth pair a_if() <-> b_if(), addressed ip4(1)/24 and
// ip4(2)/24, everything up. Built with the code under test; ping proves it works.
class ConnectedNamespacesTest : public NetnsTest {
 protected:
  void SetUp() override;
  void TearDown() override;

  const std::string& a() const { return a_->name(); }
  const std::string& b() const { return b_->name(); }
  std::string a_if() const { return prefix() + "-a0"; }
  std::string b_if() const { return prefix() + "-b0"; }
  // `ip netns exec NS ping` with one packet, one second: the exit code.
  int ping(const std::string& ns, const std::string& address, const std::string& options = "");

  std::unique_ptr<NamespaceGuard> a_;
  std::unique_ptr<NamespaceGuard> b_;
};

}  // namespace neutrino::agent::netlink::testing
