// DhcpService in real namespaces: namespace A is the qdhcp side (its veth end is the DHCP
// device), namespace B the guests' link, where a packet socket sends DHCPDISCOVERs with any
// Ethernet source and captures the replies. No OVS: this checks the service's own part (the
// packet socket and its filter, the sender MAC, admission before parsing, replies).
#include "agent/app/dhcp_service.hpp"

#include <gtest/gtest.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <optional>
#include <thread>

#include "agent/netlink/link_manager.hpp"
#include "agent/netlink/namespace_exec.hpp"
#include "dhcp/packet_parser.hpp"
#include "dhcp/packet_serializer.hpp"
#include "dhcp/udp_datagram.hpp"
#include "tests/unit/agent/netlink/netns_fixture.hpp"

namespace neutrino::agent {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using netlink::testing::ip4;

const dhcp::MacAddress kHog({0xfa, 0x16, 0x3e, 0x00, 0x00, 0x10});
const dhcp::MacAddress kVictim({0xfa, 0x16, 0x3e, 0x00, 0x00, 0x11});

uint16_t checksum(const uint8_t* data, size_t size) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < size; i += 2) {
    sum += static_cast<uint32_t>(data[i] << 8 | data[i + 1]);
  }
  while (sum >> 16) {
    sum = (sum & 0xffff) + (sum >> 16);
  }
  return static_cast<uint16_t>(~sum);
}

// Ethernet broadcast from `source` carrying a DHCPDISCOVER for `chaddr`.
std::vector<uint8_t> discover_frame(const dhcp::MacAddress& source, const dhcp::MacAddress& chaddr,
                                    uint32_t xid) {
  dhcp::DhcpPacket packet;
  packet.xid = xid;
  packet.set_client_mac(chaddr);
  packet.set_message_type(dhcp::MessageType::kDiscover);
  const auto payload = dhcp::serialize_dhcp_packet(packet, 1500);
  std::vector<uint8_t> frame(6, 0xff);
  frame.insert(frame.end(), source.octets().begin(), source.octets().end());
  frame.insert(frame.end(), {0x08, 0x00});
  const size_t total = 28 + payload.size();
  std::vector<uint8_t> ip = {0x45,
                             0,
                             static_cast<uint8_t>(total >> 8),
                             static_cast<uint8_t>(total),
                             0,
                             0,
                             0,
                             0,
                             64,
                             17,
                             0,
                             0,
                             0,
                             0,
                             0,
                             0,
                             255,
                             255,
                             255,
                             255};
  const uint16_t sum = checksum(ip.data(), ip.size());
  ip[10] = static_cast<uint8_t>(sum >> 8);
  ip[11] = static_cast<uint8_t>(sum);
  frame.insert(frame.end(), ip.begin(), ip.end());
  const size_t udp_length = 8 + payload.size();
  frame.insert(frame.end(), {0, 68, 0, 67, static_cast<uint8_t>(udp_length >> 8),
                             static_cast<uint8_t>(udp_length), 0, 0});
  frame.insert(frame.end(), payload.begin(), payload.end());
  return frame;
}

class DhcpServiceTest : public netlink::testing::ConnectedNamespacesTest {
 protected:
  void SetUp() override {
    ConnectedNamespacesTest::SetUp();
    if (HasFatalFailure()) {
      return;
    }
    link_ = netlink::open_socket_in(b(), AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
    sockaddr_ll address{};
    address.sll_family = AF_PACKET;
    address.sll_protocol = htons(ETH_P_ALL);
    address.sll_ifindex = static_cast<int>(netlink::LinkManager(b()).find_link(b_if())->ifindex);
    ASSERT_EQ(bind(link_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    thread_ = std::thread([this] { io_.run(); });
    const std::string dhcp_mac = netlink::LinkManager(a()).find_link(a_if())->mac;
    const std::string cidr = ip4(0) + "/24";
    model::HostModel state;
    const auto add = [&state](const std::string& key, const Json& object) {
      ASSERT_TRUE(state.apply(key, &object)) << key;
    };
    add("subnet:s1", model::Subnet{"s1", "net-1", cidr, ip4(254), true, 4, {}, {}});
    const auto port = [](const std::string& id, const std::string& mac, const std::string& ip,
                         const std::string& owner) {
      return model::Port{id, "net-1", mac, true, true, owner, "", "p", {{"s1", ip}}};
    };
    add("port:dhcp", port("dhcp", dhcp_mac, ip4(1), "network:dhcp"));
    add("port:hog", port("hog", kHog.to_string(), ip4(10), ""));
    add("port:victim", port("victim", kVictim.to_string(), ip4(11), ""));
    DhcpEndpoint endpoint{"net-1", "dhcp", dhcp_mac, a(), a_if(), {ip4(1) + "/24"}, 1500};
    service_.emplace(io_, MonotonicClock::system(), per_port_);
    service_->update({{"net-1", endpoint}}, state);
  }

  void TearDown() override {
    if (thread_.joinable()) {
      service_->update({}, model::HostModel());
      work_.reset();
      thread_.join();
    }
    if (link_ >= 0) {
      close(link_);
    }
    ConnectedNamespacesTest::TearDown();
  }

  void send(const std::vector<uint8_t>& frame) {
    ASSERT_EQ(::send(link_, frame.data(), frame.size(), 0), static_cast<ssize_t>(frame.size()));
  }

  // The chaddr of every DHCP reply seen on B's link within `timeout`.
  std::vector<dhcp::MacAddress> replies(std::chrono::milliseconds timeout) {
    std::vector<dhcp::MacAddress> out;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      pollfd p{link_, POLLIN, 0};
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) {
        return out;
      }
      uint8_t frame[2048];
      const ssize_t n = recv(link_, frame, sizeof frame, 0);
      if (n <= 14 || frame[12] != 0x08 || frame[13] != 0x00) {
        continue;
      }
      const auto datagram = dhcp::parse_udp_datagram(
          std::span<const uint8_t>(frame + 14, static_cast<size_t>(n) - 14));
      if (!datagram || datagram->source_port != 67) {
        continue;
      }
      if (auto parsed = dhcp::parse_dhcp_packet(datagram->payload); parsed) {
        out.push_back(parsed.packet->client_mac());
      }
    }
  }

  dhcp::DhcpCounters counters() { return service_->counters()["net-1"]; }

  asio::io_context io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_{
      io_.get_executor()};
  RateLimit per_port_ = dhcp::DhcpRateLimits{}.per_port;  // a derived fixture may raise it
  std::optional<DhcpService> service_;
  std::thread thread_;
  int link_ = -1;
};

TEST_F(DhcpServiceTest, AnswersAPortAndIgnoresWhatIsNotDhcp) {
  send(discover_frame(kVictim, kVictim, 1));
  EXPECT_EQ(replies(1000ms), std::vector<dhcp::MacAddress>{kVictim});
  EXPECT_EQ(counters().received, 1u);  // the filter kept the reply and everything else out
  EXPECT_EQ(counters().offers, 1u);
}

TEST_F(DhcpServiceTest, AFloodFromOnePortLeavesTheOthersTheirAnswers) {
  for (uint32_t i = 0; i < 300; ++i) {
    send(discover_frame(kHog, kHog, i));
  }
  send(discover_frame(kVictim, kVictim, 7));
  const auto seen = replies(1000ms);
  EXPECT_EQ(std::count(seen.begin(), seen.end(), kVictim), 1);
  EXPECT_EQ(std::count(seen.begin(), seen.end(), kHog), 16);  // its burst, then nothing
  const auto c = counters();
  EXPECT_EQ(c.offers, 17u);
  EXPECT_EQ(c.rate_limited, c.received - 17);
  EXPECT_GT(c.rate_limited, 0u);
}

TEST_F(DhcpServiceTest, AGuestCannotAskInAnotherPortsName) {
  send(discover_frame(kHog, kVictim, 1));
  EXPECT_TRUE(replies(500ms).empty());
  EXPECT_EQ(counters().ignored_other, 1u);
  send(discover_frame(kVictim, kVictim, 2));
  EXPECT_EQ(replies(1000ms), std::vector<dhcp::MacAddress>{kVictim});
}

TEST_F(DhcpServiceTest, SendersThatAreNoPortSpendOneSharedBudget) {
  for (uint8_t i = 0; i < 100; ++i) {
    const dhcp::MacAddress stranger({0x02, 0, 0, 0, 0, i});
    send(discover_frame(stranger, stranger, i));
  }
  send(discover_frame(kVictim, kVictim, 1000));
  EXPECT_EQ(replies(1000ms), std::vector<dhcp::MacAddress>{kVictim});
  const auto c = counters();
  EXPECT_EQ(c.ignored_unknown, 20u);
  EXPECT_EQ(c.over_unknown_budget, c.received - 21);
}

// The agent's --dhcp-rate-limit/--dhcp-rate-burst (a benchmark measuring the server's own
// capacity): the same flood is answered in full.
class DhcpServiceRaisedLimitTest : public DhcpServiceTest {
 protected:
  void SetUp() override {
    per_port_ = {.per_second = 10000, .burst = 1000};
    DhcpServiceTest::SetUp();
  }
};

TEST_F(DhcpServiceRaisedLimitTest, AFloodWithinTheRaisedLimitIsAnsweredInFull) {
  for (uint32_t i = 0; i < 300; ++i) {
    send(discover_frame(kHog, kHog, i));
  }
  const auto seen = replies(2000ms);
  // Socket buffers on a loaded machine may drop some frames either way; none is refused.
  const auto c = counters();
  EXPECT_EQ(c.rate_limited, 0u);
  EXPECT_GT(c.received, 16u);  // more than the default burst
  EXPECT_EQ(c.offers, c.received);
  EXPECT_GT(std::count(seen.begin(), seen.end(), kHog), 16);
}

}  // namespace
}  // namespace neutrino::agent
