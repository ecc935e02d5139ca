#include "agent/netlink/network_namespace.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <sstream>
#include <system_error>

#include "agent/netlink/link_manager.hpp"
#include "tests/unit/agent/netlink/netns_fixture.hpp"

namespace neutrino::agent::netlink::testing {
namespace {

bool listed(const std::string& name) {
  const auto names = NetworkNamespace::list();
  return std::find(names.begin(), names.end(), name) != names.end();
}

bool listed_by_ip(const std::string& name) {
  const CommandResult r = run("ip netns list");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line);) {
    // "name" or "name (id: 3)"
    if (line.substr(0, line.find(' ')) == name) {
      return true;
    }
  }
  return false;
}

bool mounted(const std::string& path) {
  std::ifstream info("/proc/self/mountinfo");
  for (std::string line; std::getline(info, line);) {
    if (line.find(" " + path + " ") != std::string::npos) {
      return true;
    }
  }
  return false;
}

int error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::system_error& e) {
    return e.code().value();
  }
  return 0;
}

class NetworkNamespaceTest : public NetnsTest {};

TEST_F(NetworkNamespaceTest, CreatedNamespaceIsSeenByIproute) {
  NamespaceGuard ns("c");
  EXPECT_TRUE(NetworkNamespace::exists(ns.name()));
  EXPECT_TRUE(listed(ns.name()));
  EXPECT_TRUE(listed_by_ip(ns.name()));
  EXPECT_TRUE(mounted(NetworkNamespace::path(ns.name())));

  // It is a namespace of its own: only a loopback inside, none of the host's interfaces.
  const CommandResult links = run("ip netns exec " + ns.name() + " ip -o link show");
  EXPECT_EQ(links.exit_code, 0) << links.output;
  EXPECT_NE(links.output.find(": lo:"), std::string::npos) << links.output;
  EXPECT_EQ(std::count(links.output.begin(), links.output.end(), '\n'), 1) << links.output;

  const NetworkNamespace handle = NetworkNamespace::open(ns.name());
  EXPECT_EQ(handle.name(), ns.name());
  EXPECT_GE(handle.fd(), 0);
}

TEST_F(NetworkNamespaceTest, CreatingAnExistingNamespaceFails) {
  NamespaceGuard ns("d");
  EXPECT_EQ(error_of([&] { NetworkNamespace::create(ns.name()); }), EEXIST);
  EXPECT_TRUE(NetworkNamespace::exists(ns.name()));  // the failed attempt did not remove it
}

TEST_F(NetworkNamespaceTest, MissingNamespaceIsReportedAsSuch) {
  const std::string name = prefix() + "none";
  EXPECT_FALSE(NetworkNamespace::exists(name));
  EXPECT_EQ(error_of([&] { NetworkNamespace::open(name); }), ENOENT);
  EXPECT_FALSE(NetworkNamespace::remove(name));
}

TEST_F(NetworkNamespaceTest, RejectsNamesThatLeaveRunNetns) {
  for (const std::string name : {"", ".", "..", "a/b", "../etc"}) {
    EXPECT_THROW(NetworkNamespace::create(name), std::invalid_argument) << name;
    EXPECT_THROW(NetworkNamespace::remove(name), std::invalid_argument) << name;
  }
}

TEST_F(NetworkNamespaceTest, RemoveLeavesNothingBehind) {
  const std::string name = prefix() + "r";
  NetworkNamespace::create(name);
  ASSERT_TRUE(NetworkNamespace::exists(name));
  EXPECT_TRUE(NetworkNamespace::remove(name));
  EXPECT_FALSE(NetworkNamespace::exists(name));
  EXPECT_FALSE(listed(name));
  EXPECT_FALSE(listed_by_ip(name));
  EXPECT_FALSE(mounted(NetworkNamespace::path(name)));
  struct stat st {};
  EXPECT_NE(::stat(NetworkNamespace::path(name).c_str(), &st), 0);
}

// Removing the name must really free the namespace: nothing of ours (a thread, an fd) may keep
// it alive. A veth pair dies with either of its namespaces, so the peer vanishing from the
// other namespace proves it.
TEST_F(NetworkNamespaceTest, RemovedNamespaceIsDestroyed) {
  NamespaceGuard keep("k");
  const std::string doomed = prefix() + "x";
  NetworkNamespace::create(doomed);
  {
    LinkManager links(doomed);
    links.create_veth(prefix() + "-x0", prefix() + "-k0", keep.name());
  }
  LinkManager survivor(keep.name());
  ASSERT_TRUE(survivor.find_link(prefix() + "-k0"));
  NetworkNamespace::remove(doomed);
  EXPECT_TRUE(wait_until([&] { return !survivor.find_link(prefix() + "-k0"); }))
      << "the removed namespace is still alive";
}

// After a crash between creating the file and mounting the namespace on it, the name is a
// plain file: not a namespace, and no obstacle to creating it again.
TEST_F(NetworkNamespaceTest, StaleFileIsNotANamespaceAndIsReplaced) {
  NamespaceGuard other("o");  // makes sure /run/netns exists
  const std::string name = prefix() + "s";
  std::ofstream(NetworkNamespace::path(name)).put('\n');
  EXPECT_FALSE(NetworkNamespace::exists(name));
  EXPECT_EQ(error_of([&] { NetworkNamespace::open(name); }), ENOENT);

  NetworkNamespace::create(name);
  EXPECT_TRUE(NetworkNamespace::exists(name));
  EXPECT_EQ(run("ip netns exec " + name + " true").exit_code, 0);
  EXPECT_TRUE(NetworkNamespace::remove(name));
}

TEST_F(NetworkNamespaceTest, AdoptsAndRemovesNamespacesCreatedByIp) {
  const std::string name = prefix() + "ip";
  const CommandResult added = run("ip netns add " + name);
  ASSERT_EQ(added.exit_code, 0) << added.output;
  EXPECT_TRUE(NetworkNamespace::exists(name));
  EXPECT_NO_THROW(NetworkNamespace::open(name));
  EXPECT_TRUE(NetworkNamespace::remove(name));
  EXPECT_FALSE(listed_by_ip(name));
}

}  // namespace
}  // namespace neutrino::agent::netlink::testing
