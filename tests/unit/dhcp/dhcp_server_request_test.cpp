// DHCPREQUEST in each client state of RFC 2131 section 4.3.2, and how a change of a port's
// fixed IP reaches a client that holds a lease.
#include <gtest/gtest.h>

#include "dhcp/dhcp_server.hpp"
#include "tests/unit/dhcp/dhcp_test_support.hpp"

namespace neutrino::dhcp {
namespace {

using testing::client_packet;
using testing::decoded_reply;
using testing::encode;
using testing::kDhcpIp;
using testing::kGuestIp;
using testing::kGuestMac;
using testing::network_config;

const Ipv4Address kOtherIp(10, 0, 0, 66);

DhcpPacket selecting(Ipv4Address server_id, Ipv4Address requested) {
  DhcpPacket packet = client_packet(MessageType::kRequest);
  packet.options.set_address(option::kServerId, server_id);
  packet.options.set_address(option::kRequestedIp, requested);
  return packet;
}

DhcpPacket init_reboot(Ipv4Address requested) {
  DhcpPacket packet = client_packet(MessageType::kRequest);
  packet.options.set_address(option::kRequestedIp, requested);
  return packet;
}

DhcpPacket renewing(Ipv4Address ciaddr) {
  DhcpPacket packet = client_packet(MessageType::kRequest);
  packet.ciaddr = ciaddr;
  return packet;
}

void expect_nak(const DhcpOutcome& outcome, Ipv4Address asked) {
  EXPECT_EQ(outcome.action, DhcpAction::kNaked);
  EXPECT_EQ(outcome.ip, asked);
  ASSERT_TRUE(outcome.reply);
  EXPECT_TRUE(outcome.reply->broadcast);
  EXPECT_EQ(outcome.reply->destination_ip, Ipv4Address::broadcast());
  EXPECT_EQ(outcome.reply->destination_mac, MacAddress::broadcast());
  const DhcpPacket nak = decoded_reply(outcome);
  EXPECT_EQ(nak.message_type(), MessageType::kNak);
  EXPECT_EQ(nak.yiaddr, Ipv4Address());
  EXPECT_EQ(nak.ciaddr, Ipv4Address());
  EXPECT_EQ(testing::option_codes(nak), (std::vector<uint8_t>{53, 54, 56}));
  EXPECT_EQ(nak.options.address(option::kServerId), kDhcpIp);
}

TEST(DhcpServerRequestTest, SelectingWithOurServerIdIsAcked) {
  DhcpServer server(network_config());
  const DhcpOutcome outcome = server.handle(encode(selecting(kDhcpIp, kGuestIp)));
  EXPECT_EQ(outcome.action, DhcpAction::kAcked);
  EXPECT_EQ(decoded_reply(outcome).yiaddr, kGuestIp);
}

TEST(DhcpServerRequestTest, SelectingAnotherServerIsIgnoredSilently) {
  DhcpServer server(network_config());
  const DhcpOutcome outcome = server.handle(encode(selecting(Ipv4Address(10, 0, 0, 3), kGuestIp)));
  EXPECT_EQ(outcome.action, DhcpAction::kIgnoredOther);
  EXPECT_FALSE(outcome.reply);
  EXPECT_EQ(server.counters().ignored_other, 1u);
  EXPECT_EQ(server.counters().naks, 0u);
}

TEST(DhcpServerRequestTest, SelectingAnAddressWeNeverOfferedIsNaked) {
  DhcpServer server(network_config());
  expect_nak(server.handle(encode(selecting(kDhcpIp, kOtherIp))), kOtherIp);
}

TEST(DhcpServerRequestTest, InitRebootAcksTheFixedIpAndNaksAnyOther) {
  DhcpServer server(network_config());
  const DhcpOutcome ack = server.handle(encode(init_reboot(kGuestIp)));
  EXPECT_EQ(ack.action, DhcpAction::kAcked);
  ASSERT_TRUE(ack.reply);
  EXPECT_EQ(ack.reply->destination_ip, kGuestIp);
  EXPECT_EQ(decoded_reply(ack).yiaddr, kGuestIp);

  expect_nak(server.handle(encode(init_reboot(kOtherIp))), kOtherIp);
  EXPECT_EQ(server.counters().acks, 1u);
  EXPECT_EQ(server.counters().naks, 1u);
}

TEST(DhcpServerRequestTest, RenewingIsAckedByUnicastToCiaddr) {
  DhcpServer server(network_config());
  const DhcpOutcome outcome = server.handle(encode(renewing(kGuestIp)));
  EXPECT_EQ(outcome.action, DhcpAction::kAcked);
  ASSERT_TRUE(outcome.reply);
  EXPECT_FALSE(outcome.reply->broadcast);
  EXPECT_EQ(outcome.reply->destination_ip, kGuestIp);
  EXPECT_EQ(outcome.reply->destination_mac, kGuestMac);
  const DhcpPacket ack = decoded_reply(outcome);
  EXPECT_EQ(ack.ciaddr, kGuestIp);
  EXPECT_EQ(ack.yiaddr, kGuestIp);
  EXPECT_TRUE(ack.options.contains(option::kLeaseTime));
}

TEST(DhcpServerRequestTest, RebindingWithBroadcastFlagIsStillSentToCiaddr) {
  DhcpServer server(network_config());
  DhcpPacket rebinding = renewing(kGuestIp);
  rebinding.flags = kBroadcastFlag;
  const DhcpOutcome outcome = server.handle(encode(rebinding));
  EXPECT_EQ(outcome.action, DhcpAction::kAcked);
  EXPECT_EQ(outcome.reply->destination_ip, kGuestIp);
}

TEST(DhcpServerRequestTest, RenewAfterAFixedIpChangeIsNakedThenTheNewAddressIsOffered) {
  DhcpServer server(network_config());
  ASSERT_EQ(server.handle(encode(renewing(kGuestIp))).action, DhcpAction::kAcked);

  const Ipv4Address moved(10, 0, 0, 50);
  DhcpServerConfig config = network_config();
  config.hosts[0].ip = moved;
  server.reconfigure(config);

  expect_nak(server.handle(encode(renewing(kGuestIp))), kGuestIp);
  const DhcpOutcome offer = server.handle(encode(client_packet(MessageType::kDiscover)));
  EXPECT_EQ(offer.ip, moved);
  const DhcpPacket offered = decoded_reply(offer);
  EXPECT_EQ(offered.yiaddr, moved);
  EXPECT_EQ(
      *offered.options.find(option::kHostName),
      (std::vector<uint8_t>{'h', 'o', 's', 't', '-', '1', '0', '-', '0', '-', '0', '-', '5', '0'}));
  EXPECT_EQ(server.handle(encode(selecting(kDhcpIp, moved))).action, DhcpAction::kAcked);
  // Counters survive reconfiguration.
  EXPECT_EQ(server.counters().acks, 2u);
  EXPECT_EQ(server.counters().naks, 1u);
}

TEST(DhcpServerRequestTest, RequestNamingNothingIsNaked) {
  DhcpServer server(network_config());
  expect_nak(server.handle(encode(client_packet(MessageType::kRequest))), Ipv4Address());
}

TEST(DhcpServerRequestTest, NakEchoesTheClientIdentifier) {
  DhcpServer server(network_config());
  DhcpPacket packet = init_reboot(kOtherIp);
  packet.options.set(option::kClientId, {0xff, 1, 2, 3});
  const DhcpPacket nak = decoded_reply(server.handle(encode(packet)));
  EXPECT_EQ(nak.options.find(option::kClientId)->size(), 4u);
}

}  // namespace
}  // namespace neutrino::dhcp
