// Admission control of DhcpServer::handle(datagram, sender, now): per-port rates, the budget
// of senders that are no port, and chaddr tied to the sender. Time is passed in, so these run
// without sleeping.
#include <gtest/gtest.h>

#include "dhcp/dhcp_server.hpp"
#include "tests/unit/dhcp/dhcp_test_support.hpp"

namespace neutrino::dhcp {
namespace {

using namespace std::chrono_literals;
using testing::client_packet;
using testing::encode;
using testing::kGuestMac;
using testing::kStrangerMac;

const MacAddress kOtherMac({0xfa, 0x16, 0x3e, 0x00, 0x00, 0x06});

class DhcpServerLimitsTest : public ::testing::Test {
 protected:
  DhcpServerLimitsTest() : server_(config()) {}

  static DhcpServerConfig config() {
    DhcpServerConfig c = testing::network_config();
    c.hosts.push_back({kOtherMac, Ipv4Address(10, 0, 0, 6), ""});
    c.rate_limits.per_port = {.per_second = 4, .burst = 16};
    c.rate_limits.unknown_senders = {.per_second = 10, .burst = 20};
    return c;
  }

  DhcpOutcome discover(const MacAddress& sender, const MacAddress& chaddr) {
    return server_.handle(encode(client_packet(MessageType::kDiscover, chaddr)), sender, now_);
  }
  DhcpOutcome discover(const MacAddress& mac) { return discover(mac, mac); }

  static void expect_balanced(const DhcpCounters& c) {
    EXPECT_EQ(c.received, c.answered + c.releases + c.declines + c.ignored_unknown +
                              c.ignored_other + c.malformed + c.rate_limited +
                              c.over_unknown_budget);
  }

  DhcpServer server_;
  DhcpServer::TimePoint now_ = DhcpServer::TimePoint(1h);
};

TEST_F(DhcpServerLimitsTest, AFloodingPortGetsItsBurstAndOtherPortsTheirAnswers) {
  int offered = 0;
  for (int i = 0; i < 1000; ++i) {
    const auto outcome = discover(kGuestMac);
    offered += outcome.action == DhcpAction::kOffered ? 1 : 0;
    if (i >= 16) {
      EXPECT_EQ(outcome.action, DhcpAction::kRateLimited);
      EXPECT_EQ(outcome.mac, kGuestMac);
      EXPECT_FALSE(outcome.reply);
    }
  }
  EXPECT_EQ(offered, 16);
  EXPECT_EQ(discover(kOtherMac).action, DhcpAction::kOffered);
  EXPECT_EQ(server_.counters().rate_limited, 984u);
  expect_balanced(server_.counters());
  now_ += 1s;  // four more a second
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(discover(kGuestMac).action, DhcpAction::kOffered) << i;
  }
  EXPECT_EQ(discover(kGuestMac).action, DhcpAction::kRateLimited);
}

TEST_F(DhcpServerLimitsTest, DroppedDatagramsAreNotParsed) {
  for (int i = 0; i < 16; ++i) {
    server_.handle(std::vector<uint8_t>{1, 2, 3}, kGuestMac, now_);
  }
  EXPECT_EQ(server_.counters().malformed, 16u);
  const auto outcome = server_.handle(std::vector<uint8_t>{1, 2, 3}, kGuestMac, now_);
  EXPECT_EQ(outcome.action, DhcpAction::kRateLimited);
  EXPECT_EQ(server_.counters().malformed, 16u);
  EXPECT_EQ(server_.counters().rate_limited, 1u);
}

TEST_F(DhcpServerLimitsTest, ChaddrsOfOtherPortsAreChargedToTheSenderAndIgnored) {
  // A guest asking in its neighbour's name: it cannot spend the neighbour's budget nor make
  // the server answer the neighbour.
  for (int i = 0; i < 100; ++i) {
    const auto outcome = discover(kGuestMac, kOtherMac);
    EXPECT_FALSE(outcome.reply);
  }
  EXPECT_EQ(server_.counters().ignored_other, 16u);
  EXPECT_EQ(server_.counters().rate_limited, 84u);
  EXPECT_EQ(discover(kOtherMac).action, DhcpAction::kOffered);
  expect_balanced(server_.counters());
}

TEST_F(DhcpServerLimitsTest, ManyUnknownChaddrsFromOnePortAreThatPortsBudget) {
  for (int i = 0; i < 200; ++i) {
    const MacAddress random({0x02, 0, 0, 0, static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i)});
    discover(kGuestMac, random);
  }
  EXPECT_EQ(server_.counters().rate_limited, 184u);
  EXPECT_EQ(server_.counters().over_unknown_budget, 0u);
  EXPECT_EQ(discover(kOtherMac).action, DhcpAction::kOffered);
}

TEST_F(DhcpServerLimitsTest, SendersThatAreNoPortShareOneBudget) {
  for (int i = 0; i < 100; ++i) {
    const MacAddress random({0x02, 0, 0, 1, static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i)});
    const auto outcome = discover(random);
    EXPECT_EQ(outcome.action, i < 20 ? DhcpAction::kIgnoredUnknown : DhcpAction::kOverBudget) << i;
  }
  EXPECT_EQ(server_.counters().ignored_unknown, 20u);
  EXPECT_EQ(server_.counters().over_unknown_budget, 80u);
  // Ports have budgets of their own.
  EXPECT_EQ(discover(kGuestMac).action, DhcpAction::kOffered);
  EXPECT_EQ(discover(kOtherMac).action, DhcpAction::kOffered);
  now_ += 1s;
  EXPECT_EQ(discover(kStrangerMac).action, DhcpAction::kIgnoredUnknown);
  expect_balanced(server_.counters());
}

TEST_F(DhcpServerLimitsTest, AReconfigurationKeepsWhatAPortOwes) {
  for (int i = 0; i < 20; ++i) {
    discover(kGuestMac);
  }
  server_.reconfigure(config());
  EXPECT_EQ(discover(kGuestMac).action, DhcpAction::kRateLimited);
  // A port that leaves and comes back starts afresh, as a new port would.
  auto without = config();
  without.hosts.erase(without.hosts.begin());
  server_.reconfigure(without);
  server_.reconfigure(config());
  EXPECT_EQ(discover(kGuestMac).action, DhcpAction::kOffered);
}

TEST_F(DhcpServerLimitsTest, WithoutASenderNothingIsLimited) {
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(server_.handle(encode(client_packet(MessageType::kDiscover))).action,
              DhcpAction::kOffered);
  }
  EXPECT_EQ(server_.counters().rate_limited, 0u);
}

}  // namespace
}  // namespace neutrino::dhcp
