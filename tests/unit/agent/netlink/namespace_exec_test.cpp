#include "agent/netlink/namespace_exec.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include "agent/netlink/network_namespace.hpp"
#include "tests/unit/agent/netlink/netns_fixture.hpp"

namespace neutrino::agent::netlink::testing {
namespace {

ino_t own_namespace_inode() {
  struct stat st {};
  EXPECT_EQ(::stat("/proc/thread-self/ns/net", &st), 0);
  return st.st_ino;
}

ino_t named_namespace_inode(const std::string& ns) {
  struct stat st {};
  EXPECT_EQ(::stat(NetworkNamespace::path(ns).c_str(), &st), 0);
  return st.st_ino;
}

sockaddr_in inet(const std::string& address, uint16_t port) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  EXPECT_EQ(::inet_pton(AF_INET, address.c_str(), &sa.sin_addr), 1) << address;
  return sa;
}

int bind_to(int fd, const sockaddr_in& sa) {
  return ::bind(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof(sa));
}

class NamespaceExecTest : public NetnsTest {};

TEST_F(NamespaceExecTest, RunsInsideTheNamespaceAndLeavesTheCallerWhereItWas) {
  NamespaceGuard ns("e");
  const ino_t before = own_namespace_inode();
  const ino_t inside = run_in(ns.name(), [] { return own_namespace_inode(); });
  EXPECT_EQ(inside, named_namespace_inode(ns.name()));
  EXPECT_NE(inside, before);
  EXPECT_EQ(own_namespace_inode(), before);
}

TEST_F(NamespaceExecTest, PropagatesExceptionsAndSupportsVoid) {
  NamespaceGuard ns("e");
  EXPECT_THROW(run_in(ns.name(), []() -> int { throw std::logic_error("inside"); }),
               std::logic_error);
  bool ran = false;
  run_in(ns.name(), [&] { ran = true; });
  EXPECT_TRUE(ran);
}

TEST_F(NamespaceExecTest, MissingNamespaceThrowsWithoutRunning) {
  bool ran = false;
  EXPECT_THROW(run_in(prefix() + "none", [&] { ran = true; }), std::system_error);
  EXPECT_FALSE(ran);
  EXPECT_THROW(open_socket_in(prefix() + "none", AF_INET, SOCK_DGRAM, 0), std::system_error);
}

class OpenSocketInTest : public ConnectedNamespacesTest {};

// One thread, two namespaces: sockets created inside A and B talk over the veth between them,
// as the DHCP server will serve every qdhcp namespace from one event loop.
TEST_F(OpenSocketInTest, UdpSocketsTalkAcrossTheVeth) {
  const UniqueFd server(open_socket_in(a(), AF_INET, SOCK_DGRAM, 0));
  const UniqueFd client(open_socket_in(b(), AF_INET, SOCK_DGRAM, 0));
  ASSERT_TRUE(server);
  ASSERT_TRUE(client);
  // Binding to A's address only works inside A: the host does not have it.
  ASSERT_EQ(bind_to(server.get(), inet(ip4(1), 0)), 0) << std::strerror(errno);
  ASSERT_EQ(bind_to(client.get(), inet(ip4(2), 0)), 0) << std::strerror(errno);
  sockaddr_in bound{};
  socklen_t len = sizeof(bound);
  ASSERT_EQ(::getsockname(server.get(), reinterpret_cast<sockaddr*>(&bound), &len), 0);

  const std::string payload = "DHCPDISCOVER, more or less";
  ASSERT_EQ(::sendto(client.get(), payload.data(), payload.size(), 0,
                     reinterpret_cast<const sockaddr*>(&bound), sizeof(bound)),
            static_cast<ssize_t>(payload.size()))
      << std::strerror(errno);

  pollfd pfd{server.get(), POLLIN, 0};
  ASSERT_EQ(::poll(&pfd, 1, 3000), 1) << "nothing arrived in A";
  char buffer[128] = {};
  sockaddr_in from{};
  socklen_t from_len = sizeof(from);
  const ssize_t n = ::recvfrom(server.get(), buffer, sizeof(buffer), 0,
                               reinterpret_cast<sockaddr*>(&from), &from_len);
  ASSERT_EQ(n, static_cast<ssize_t>(payload.size()));
  EXPECT_EQ(std::string(buffer, static_cast<size_t>(n)), payload);
  char from_text[INET_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET, &from.sin_addr, from_text, sizeof(from_text));
  EXPECT_EQ(std::string(from_text), ip4(2));
}

TEST_F(OpenSocketInTest, HostSocketCannotBindTheNamespaceAddress) {
  const UniqueFd host(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  ASSERT_TRUE(host);
  EXPECT_NE(bind_to(host.get(), inet(ip4(1), 0)), 0);
  EXPECT_EQ(errno, EADDRNOTAVAIL);
}

}  // namespace
}  // namespace neutrino::agent::netlink::testing
