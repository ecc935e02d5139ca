#include "tests/unit/agent/netlink/netns_fixture.hpp"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <thread>

#include "agent/netlink/link_manager.hpp"
#include "agent/netlink/network_namespace.hpp"
#include "common/random.hpp"

namespace neutrino::agent::netlink::testing {
namespace {

bool ours(const std::string& name) {
  return name.rfind(prefix(), 0) == 0;
}

// The last line of defence: runs after all tests, even when some failed.
class SweepEnvironment : public ::testing::Environment {
 public:
  void TearDown() override { sweep(); }
};
[[maybe_unused]] const auto* const kSweep =
    ::testing::AddGlobalTestEnvironment(new SweepEnvironment);

}  // namespace

const std::string& prefix() {
  static const std::string value = [] {
    const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::string p = "ntr";
    for (int i = 0; i < 4; ++i) {
      p += alphabet[random::uniform(0, sizeof(alphabet) - 2)];
    }
    return p;
  }();
  return value;
}

int subnet_octet() {
  static const int value = static_cast<int>(random::uniform(0, 255));
  return value;
}

std::string ip4(int last_octet) {
  return "10.250." + std::to_string(subnet_octet()) + "." + std::to_string(last_octet);
}

CommandResult run(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) {
    return result;
  }
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    result.output.append(buffer.data(), n);
  }
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

void sweep() {
  for (const auto& name : NetworkNamespace::list()) {
    if (ours(name)) {
      NetworkNamespace::remove(name);
    }
  }
  // Nothing here is meant to create host interfaces; a bug that does must not leave them.
  LinkManager host;
  for (const auto& link : host.list_links()) {
    if (ours(link.name)) {
      ADD_FAILURE() << "test left host interface " << link.name << " behind";
      host.delete_link(link.name);
    }
  }
}

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

NamespaceGuard::NamespaceGuard(const std::string& suffix) : name_(prefix() + suffix) {
  NetworkNamespace::create(name_);
}

NamespaceGuard::~NamespaceGuard() {
  NetworkNamespace::remove(name_);
}

void ConnectedNamespacesTest::SetUp() {
  a_ = std::make_unique<NamespaceGuard>("a");
  b_ = std::make_unique<NamespaceGuard>("b");
  LinkManager in_a(a());
  LinkManager in_b(b());
  in_a.create_veth(a_if(), b_if(), b());
  in_a.add_address(a_if(), ip4(1) + "/24");
  in_b.add_address(b_if(), ip4(2) + "/24");
  for (auto* links : {&in_a, &in_b}) {
    links->set_up("lo");
  }
  in_a.set_up(a_if());
  in_b.set_up(b_if());
  // Until the kernel has activated the pair (operstate up), it drops what is sent through it.
  ASSERT_TRUE(wait_until([&] {
    return in_a.find_link(a_if()).value().operstate == "up" &&
           in_b.find_link(b_if()).value().operstate == "up";
  })) << "veth pair never came up";
}

void ConnectedNamespacesTest::TearDown() {
  b_.reset();
  a_.reset();
  NetnsTest::TearDown();
}

int ConnectedNamespacesTest::ping(const std::string& ns, const std::string& address,
                                  const std::string& options) {
  const CommandResult r =
      run("ip netns exec " + ns + " ping -n -c1 -W1 " + options + " " + address);
  return r.exit_code;
}

}  // namespace neutrino::agent::netlink::testing
