#include "dhcp/dhcp_server.hpp"

#include <gtest/gtest.h>

#include "dhcp/packet_parser.hpp"
#include "tests/unit/dhcp/dhcp_test_support.hpp"

namespace neutrino::dhcp {
namespace {

using testing::client_packet;
using testing::decoded_reply;
using testing::encode;
using testing::kDhcpIp;
using testing::kGuestIp;
using testing::kGuestMac;
using testing::kStrangerMac;
using testing::network_config;
using testing::option_codes;

// What ISC dhclient asks for.
const std::vector<uint8_t> kDhclientRequestList = {1,  28, 2,  3,  15,  6, 119,
                                                   12, 44, 47, 26, 121, 42};

std::vector<uint8_t> bytes(std::initializer_list<uint8_t> values) {
  return values;
}

std::vector<uint8_t> text(std::string_view value) {
  return {value.begin(), value.end()};
}

DhcpPacket discover(std::vector<uint8_t> request_list = kDhclientRequestList) {
  DhcpPacket packet = client_packet(MessageType::kDiscover);
  packet.options.set(option::kParameterRequestList, std::move(request_list));
  return packet;
}

void expect_lease_options(const DhcpPacket& reply, MessageType type) {
  EXPECT_EQ(option_codes(reply), (std::vector<uint8_t>{53, 54, 51, 1, 28, 3, 15, 6, 12, 26, 121}));
  const DhcpOptions& options = reply.options;
  EXPECT_EQ(*options.find(53), bytes({static_cast<uint8_t>(type)}));
  EXPECT_EQ(*options.find(54), bytes({10, 0, 0, 2}));
  EXPECT_EQ(*options.find(51), bytes({0, 1, 0x51, 0x80}));  // 86400
  EXPECT_EQ(*options.find(1), bytes({255, 255, 255, 0}));
  EXPECT_EQ(*options.find(28), bytes({10, 0, 0, 255}));
  EXPECT_EQ(*options.find(3), bytes({10, 0, 0, 1}));
  EXPECT_EQ(*options.find(15), text("openstacklocal"));
  EXPECT_EQ(*options.find(6), bytes({8, 8, 8, 8, 8, 8, 4, 4}));
  EXPECT_EQ(*options.find(12), text("host-10-0-0-5"));
  EXPECT_EQ(*options.find(26), bytes({0x05, 0xaa}));  // 1450
  // The host route, the metadata address via the DHCP port, then the default route.
  EXPECT_EQ(*options.find(121), bytes({16, 192, 168, 10,  0,   0,  9,        //
                                       32, 169, 254, 169, 254, 10, 0, 0, 2,  //
                                       0,  10,  0,   0,   1}));
}

TEST(DhcpServerTest, DiscoverRequestGetsOfferAndAckWithExactOptions) {
  DhcpServer server(network_config());
  const DhcpOutcome offer = server.handle(encode(discover()));
  EXPECT_EQ(offer.action, DhcpAction::kOffered);
  EXPECT_EQ(offer.ip, kGuestIp);
  const DhcpPacket offered = decoded_reply(offer);
  EXPECT_EQ(offered.op, 2);
  EXPECT_EQ(offered.xid, 0x11223344u);
  EXPECT_EQ(offered.yiaddr, kGuestIp);
  EXPECT_EQ(offered.ciaddr, Ipv4Address());
  EXPECT_EQ(offered.client_mac(), kGuestMac);
  expect_lease_options(offered, MessageType::kOffer);

  DhcpPacket request = client_packet(MessageType::kRequest);
  request.options.set_address(option::kServerId, kDhcpIp);
  request.options.set_address(option::kRequestedIp, kGuestIp);
  request.options.set(option::kParameterRequestList, kDhclientRequestList);
  const DhcpOutcome ack = server.handle(encode(request));
  EXPECT_EQ(ack.action, DhcpAction::kAcked);
  const DhcpPacket acked = decoded_reply(ack);
  EXPECT_EQ(acked.yiaddr, kGuestIp);
  expect_lease_options(acked, MessageType::kAck);

  EXPECT_EQ(server.counters().received, 2u);
  EXPECT_EQ(server.counters().offers, 1u);
  EXPECT_EQ(server.counters().acks, 1u);
  EXPECT_EQ(server.counters().answered, 2u);
}

TEST(DhcpServerTest, ReplyWithoutBroadcastFlagIsUnicastToTheNewAddressAndMac) {
  DhcpServer server(network_config());
  const DhcpOutcome offer = server.handle(encode(discover()));
  ASSERT_TRUE(offer.reply);
  EXPECT_FALSE(offer.reply->broadcast);
  EXPECT_EQ(offer.reply->destination_ip, kGuestIp);
  EXPECT_EQ(offer.reply->destination_mac, kGuestMac);
  EXPECT_EQ(offer.reply->destination_port, kClientPort);
  EXPECT_EQ(offer.reply->source_ip, kDhcpIp);
}

TEST(DhcpServerTest, BroadcastFlagOrAlwaysBroadcastMakesRepliesBroadcast) {
  DhcpServer server(network_config());
  DhcpPacket flagged = discover();
  flagged.flags = kBroadcastFlag;
  const DhcpOutcome offer = server.handle(encode(flagged));
  ASSERT_TRUE(offer.reply);
  EXPECT_TRUE(offer.reply->broadcast);
  EXPECT_EQ(offer.reply->destination_ip, Ipv4Address::broadcast());
  EXPECT_EQ(offer.reply->destination_mac, MacAddress::broadcast());
  EXPECT_TRUE(decoded_reply(offer).broadcast_flag());

  DhcpServerConfig config = network_config();
  config.always_broadcast = true;
  DhcpServer broadcasting(config);
  EXPECT_TRUE(broadcasting.handle(encode(discover())).reply->broadcast);
}

TEST(DhcpServerTest, ParameterRequestListSelectsAndOrdersOptionalOptions) {
  DhcpServer server(network_config());
  const DhcpPacket reply = decoded_reply(server.handle(encode(discover({121, 6, 1, 6, 59}))));
  EXPECT_EQ(option_codes(reply), (std::vector<uint8_t>{53, 54, 51, 121, 6, 1, 59}));
  EXPECT_EQ(*reply.options.find(59), bytes({0, 1, 0x27, 0x50}));  // 7/8 of 86400 = 75600
}

TEST(DhcpServerTest, EmptyRequestListGetsOnlyMandatoryOptions) {
  DhcpServer server(network_config());
  const DhcpPacket reply = decoded_reply(server.handle(encode(discover({}))));
  EXPECT_EQ(option_codes(reply), (std::vector<uint8_t>{53, 54, 51}));
}

TEST(DhcpServerTest, ClientWithoutRequestListGetsEverythingWithRenewalTimes) {
  DhcpServer server(network_config());
  DhcpPacket packet = client_packet(MessageType::kDiscover);
  const DhcpPacket reply = decoded_reply(server.handle(encode(packet)));
  EXPECT_EQ(option_codes(reply),
            (std::vector<uint8_t>{53, 54, 51, 1, 28, 3, 6, 12, 15, 26, 121, 58, 59}));
  EXPECT_EQ(*reply.options.find(58), bytes({0, 0, 0xa8, 0xc0}));  // 43200
}

TEST(DhcpServerTest, ForcedOptionsFollowTheRequestedOnes) {
  DhcpServerConfig config = network_config();
  config.forced_options = {26, 1};
  DhcpServer server(config);
  const DhcpPacket reply = decoded_reply(server.handle(encode(discover({1, 3}))));
  EXPECT_EQ(option_codes(reply), (std::vector<uint8_t>{53, 54, 51, 1, 3, 26}));
}

TEST(DhcpServerTest, ClientIdentifierIsEchoed) {
  DhcpServer server(network_config());
  DhcpPacket packet = discover({1});
  packet.options.set(option::kClientId, {1, 0xfa, 0x16, 0x3e, 0, 0, 5});
  const DhcpPacket reply = decoded_reply(server.handle(encode(packet)));
  EXPECT_EQ(option_codes(reply), (std::vector<uint8_t>{53, 54, 51, 61, 1}));
  EXPECT_EQ(*reply.options.find(61), bytes({1, 0xfa, 0x16, 0x3e, 0, 0, 5}));
}

TEST(DhcpServerTest, DnsNameReplacesTheGeneratedHostName) {
  DhcpServerConfig config = network_config();
  config.hosts[0].dns_name = "web-1";
  DhcpServer server(config);
  const DhcpPacket reply = decoded_reply(server.handle(encode(discover({12}))));
  EXPECT_EQ(*reply.options.find(12), text("web-1"));
}

TEST(DhcpServerTest, SubnetWithoutGatewayHasNoRouterNorDefaultRoute) {
  DhcpServerConfig config = network_config();
  config.subnets[0].gateway.reset();
  config.subnets[0].host_routes.clear();
  config.subnets[0].dns_servers.clear();
  config.domain_name.clear();
  config.mtu = 0;
  DhcpServer server(config);
  const DhcpPacket reply = decoded_reply(server.handle(encode(discover())));
  EXPECT_EQ(option_codes(reply), (std::vector<uint8_t>{53, 54, 51, 1, 28, 12, 121}));
  EXPECT_EQ(*reply.options.find(121), bytes({32, 169, 254, 169, 254, 10, 0, 0, 2}));
}

TEST(DhcpServerTest, OperatorRoutesToMetadataAndDefaultWin) {
  DhcpServerConfig config = network_config();
  config.subnets[0].host_routes = {
      {*Ipv4Cidr::parse("0.0.0.0/0"), Ipv4Address(10, 0, 0, 254)},
      {*Ipv4Cidr::parse("169.254.169.254/32"), Ipv4Address(10, 0, 0, 3)},
  };
  DhcpServer server(config);
  const DhcpPacket reply = decoded_reply(server.handle(encode(discover({121}))));
  EXPECT_EQ(*reply.options.find(121),
            bytes({0, 10, 0, 0, 254, 32, 169, 254, 169, 254, 10, 0, 0, 3}));
}

TEST(DhcpServerTest, EachSubnetUsesItsOwnDhcpAddress) {
  DhcpServerConfig config = network_config();
  DhcpSubnet second;
  second.cidr = *Ipv4Cidr::parse("172.16.0.0/28");
  second.dhcp_address = Ipv4Address(172, 16, 0, 2);
  config.subnets.push_back(second);
  config.hosts.push_back({kStrangerMac, Ipv4Address(172, 16, 0, 9), ""});
  DhcpServer server(config);
  const DhcpPacket reply =
      decoded_reply(server.handle(encode(client_packet(MessageType::kDiscover, kStrangerMac))));
  EXPECT_EQ(reply.yiaddr, Ipv4Address(172, 16, 0, 9));
  EXPECT_EQ(*reply.options.find(54), bytes({172, 16, 0, 2}));
  EXPECT_EQ(*reply.options.find(1), bytes({255, 255, 255, 240}));
  EXPECT_EQ(*reply.options.find(121), bytes({32, 169, 254, 169, 254, 172, 16, 0, 2}));
  EXPECT_FALSE(reply.options.contains(3));
}

TEST(DhcpServerTest, InfiniteLeaseMakesRenewalTimesInfinite) {
  DhcpServerConfig config = network_config();
  config.lease_seconds = kInfiniteLease;
  DhcpServer server(config);
  const DhcpPacket reply = decoded_reply(server.handle(encode(discover({58, 59}))));
  EXPECT_EQ(*reply.options.find(51), bytes({255, 255, 255, 255}));
  EXPECT_EQ(*reply.options.find(58), bytes({255, 255, 255, 255}));
  EXPECT_EQ(*reply.options.find(59), bytes({255, 255, 255, 255}));
}

TEST(DhcpServerTest, MaximumMessageSizeDecidesOverloading) {
  DhcpServerConfig config = network_config();
  for (int i = 0; i < 40; ++i) {
    config.subnets[0].host_routes.push_back(
        {Ipv4Cidr(Ipv4Address(172, 16, static_cast<uint8_t>(i), 0), 24), Ipv4Address(10, 0, 0, 9)});
  }
  DhcpServer server(config);
  // No option 57: 576 bytes, so the 341-byte option 121 is spread over file and sname.
  const DhcpOutcome small = server.handle(encode(discover()));
  ASSERT_TRUE(small.reply);
  EXPECT_LE(small.reply->bytes.size(), 548u);
  EXPECT_EQ(small.reply->bytes[kOptionsOffset], option::kOverload);
  EXPECT_EQ(decoded_reply(small).options.size(), 11u);

  DhcpPacket roomy = discover();
  roomy.options.set_u16(option::kMaxMessageSize, 1500);
  const DhcpOutcome large = server.handle(encode(roomy));
  ASSERT_TRUE(large.reply);
  EXPECT_EQ(large.reply->bytes[kOptionsOffset], option::kMessageType);
  EXPECT_EQ(decoded_reply(large).options, decoded_reply(small).options);

  // A client claiming more than the link carries is held to the network's MTU.
  DhcpPacket greedy = discover();
  greedy.options.set_u16(option::kMaxMessageSize, 9000);
  for (int i = 0; i < 200; ++i) {
    config.subnets[0].host_routes.push_back(
        {Ipv4Cidr(Ipv4Address(172, 17, static_cast<uint8_t>(i), 0), 24), Ipv4Address(10, 0, 0, 9)});
  }
  server.reconfigure(config);
  const DhcpOutcome capped = server.handle(encode(greedy));
  ASSERT_TRUE(capped.reply);
  EXPECT_LE(capped.reply->bytes.size(), 1450u - 28u);
  EXPECT_FALSE(decoded_reply(capped).options.contains(121));  // 2 kB of routes cannot fit
  EXPECT_TRUE(decoded_reply(capped).options.contains(26));
}

TEST(DhcpServerTest, UnknownMacIsIgnoredAndCounted) {
  DhcpServer server(network_config());
  const DhcpOutcome outcome =
      server.handle(encode(client_packet(MessageType::kDiscover, kStrangerMac)));
  EXPECT_EQ(outcome.action, DhcpAction::kIgnoredUnknown);
  EXPECT_EQ(outcome.mac, kStrangerMac);
  EXPECT_FALSE(outcome.reply);
  EXPECT_EQ(server.counters().ignored_unknown, 1u);
  EXPECT_EQ(server.counters().answered, 0u);
}

TEST(DhcpServerTest, HostsCanBeAddedAndRemovedOneByOne) {
  DhcpServer server(network_config());
  server.upsert_host({kStrangerMac, Ipv4Address(10, 0, 0, 77), ""});
  const DhcpOutcome offer =
      server.handle(encode(client_packet(MessageType::kDiscover, kStrangerMac)));
  EXPECT_EQ(offer.ip, Ipv4Address(10, 0, 0, 77));
  server.remove_host(kStrangerMac);
  EXPECT_EQ(server.handle(encode(client_packet(MessageType::kDiscover, kStrangerMac))).action,
            DhcpAction::kIgnoredUnknown);
  EXPECT_EQ(server.host_count(), 1u);
}

TEST(DhcpServerTest, PortOutsideEveryDhcpSubnetIsIgnored) {
  DhcpServer server(network_config());
  server.upsert_host({kStrangerMac, Ipv4Address(192, 0, 2, 1), ""});
  EXPECT_EQ(server.handle(encode(client_packet(MessageType::kDiscover, kStrangerMac))).action,
            DhcpAction::kIgnoredOther);
}

TEST(DhcpServerTest, MalformedPacketsAreDroppedAndCounted) {
  DhcpServer server(network_config());
  auto truncated = encode(discover());
  truncated.resize(100);
  auto bad_cookie = encode(discover());
  bad_cookie[kCookieOffset] = 0;
  const auto overrun = testing::raw_request({53, 1, 1, 55, 40, 1, 3});
  auto loop = testing::raw_request({52, 1, 1, 53, 1, 1, 255});
  loop[kFileOffset] = 52;
  loop[kFileOffset + 1] = 1;
  loop[kFileOffset + 2] = 1;
  for (const auto& datagram : {truncated, bad_cookie, overrun, loop}) {
    const DhcpOutcome outcome = server.handle(datagram);
    EXPECT_EQ(outcome.action, DhcpAction::kMalformed);
    EXPECT_NE(outcome.error, ParseError::kNone);
    EXPECT_FALSE(outcome.reply);
  }
  EXPECT_EQ(server.counters().malformed, 4u);
  EXPECT_EQ(server.counters().received, 4u);
}

TEST(DhcpServerTest, RepliesRelayedRequestsAndOtherTypesAreIgnored) {
  DhcpServer server(network_config());
  DhcpPacket reply = client_packet(MessageType::kOffer);
  reply.op = 2;
  DhcpPacket relayed = discover();
  relayed.giaddr = Ipv4Address(192, 0, 2, 1);
  DhcpPacket leasequery = client_packet(static_cast<MessageType>(10));
  DhcpPacket token_ring = discover();
  token_ring.htype = 6;
  for (const auto& packet : {reply, relayed, leasequery, token_ring}) {
    EXPECT_EQ(server.handle(encode(packet)).action, DhcpAction::kIgnoredOther);
  }
  EXPECT_EQ(server.counters().ignored_other, 4u);
}

TEST(DhcpServerTest, InformGetsAnAckWithoutLeaseOrAddress) {
  DhcpServer server(network_config());
  DhcpPacket inform = client_packet(MessageType::kInform);
  inform.ciaddr = kGuestIp;
  const DhcpOutcome outcome = server.handle(encode(inform));
  EXPECT_EQ(outcome.action, DhcpAction::kInformed);
  ASSERT_TRUE(outcome.reply);
  EXPECT_FALSE(outcome.reply->broadcast);
  EXPECT_EQ(outcome.reply->destination_ip, kGuestIp);
  const DhcpPacket ack = decoded_reply(outcome);
  EXPECT_EQ(ack.message_type(), MessageType::kAck);
  EXPECT_EQ(ack.yiaddr, Ipv4Address());
  EXPECT_EQ(ack.ciaddr, kGuestIp);
  EXPECT_EQ(option_codes(ack), (std::vector<uint8_t>{53, 54, 1, 28, 3, 6, 12, 15, 26, 121}));
  EXPECT_EQ(server.counters().informs, 1u);
  EXPECT_EQ(server.counters().answered, 1u);
}

TEST(DhcpServerTest, ReleaseAndDeclineAreRecordedWithoutReply) {
  DhcpServer server(network_config());
  DhcpPacket release = client_packet(MessageType::kRelease);
  release.ciaddr = kGuestIp;
  release.options.set_address(option::kServerId, kDhcpIp);
  const DhcpOutcome released = server.handle(encode(release));
  EXPECT_EQ(released.action, DhcpAction::kReleased);
  EXPECT_EQ(released.ip, kGuestIp);
  EXPECT_FALSE(released.reply);

  DhcpPacket decline = client_packet(MessageType::kDecline);
  decline.options.set_address(option::kServerId, kDhcpIp);
  decline.options.set_address(option::kRequestedIp, kGuestIp);
  const DhcpOutcome declined = server.handle(encode(decline));
  EXPECT_EQ(declined.action, DhcpAction::kDeclined);
  EXPECT_EQ(declined.ip, kGuestIp);
  EXPECT_FALSE(declined.reply);

  // Addressed to another server: not ours to record.
  release.options.set_address(option::kServerId, Ipv4Address(10, 0, 0, 3));
  EXPECT_EQ(server.handle(encode(release)).action, DhcpAction::kIgnoredOther);

  EXPECT_EQ(server.counters().releases, 1u);
  EXPECT_EQ(server.counters().declines, 1u);
  EXPECT_EQ(server.counters().answered, 0u);
  // The fixed address is still served afterwards.
  EXPECT_EQ(server.handle(encode(discover())).ip, kGuestIp);
}

}  // namespace
}  // namespace neutrino::dhcp
