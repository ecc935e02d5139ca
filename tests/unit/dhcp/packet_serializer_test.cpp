#include "dhcp/packet_serializer.hpp"

#include <gtest/gtest.h>

#include "dhcp/packet_parser.hpp"
#include "tests/unit/dhcp/dhcp_test_support.hpp"

namespace neutrino::dhcp {
namespace {

using testing::client_packet;

DhcpPacket reply_with_options(std::initializer_list<std::pair<uint8_t, size_t>> sizes) {
  DhcpPacket packet = client_packet(MessageType::kAck);
  packet.op = 2;
  uint8_t fill = 1;
  for (const auto& [code, size] : sizes) {
    packet.options.set(code, std::vector<uint8_t>(size, fill++));
  }
  return packet;
}

TEST(PacketSerializerTest, RoundTripsHeaderAndOptions) {
  DhcpPacket packet = client_packet(MessageType::kAck);
  packet.op = 2;
  packet.flags = kBroadcastFlag;
  packet.secs = 7;
  packet.ciaddr = Ipv4Address(10, 0, 0, 5);
  packet.yiaddr = Ipv4Address(10, 0, 0, 6);
  packet.siaddr = Ipv4Address(10, 0, 0, 7);
  packet.options.set_address(option::kServerId, Ipv4Address(10, 0, 0, 2));
  packet.options.set_string(option::kHostName, "host-10-0-0-6");
  packet.options.set(option::kRouter, {});
  const auto bytes = serialize_dhcp_packet(packet);
  const auto parsed = parse_dhcp_packet(bytes);
  ASSERT_TRUE(parsed) << to_string(parsed.error);
  EXPECT_EQ(parsed.packet->options, packet.options);
  EXPECT_EQ(parsed.packet->flags, kBroadcastFlag);
  EXPECT_EQ(parsed.packet->secs, 7);
  EXPECT_EQ(parsed.packet->ciaddr, packet.ciaddr);
  EXPECT_EQ(parsed.packet->yiaddr, packet.yiaddr);
  EXPECT_EQ(parsed.packet->siaddr, packet.siaddr);
  EXPECT_EQ(parsed.packet->chaddr, packet.chaddr);
}

TEST(PacketSerializerTest, EndsOptionsAndPadsToTheBootpMinimum) {
  const auto bytes = serialize_dhcp_packet(client_packet(MessageType::kOffer));
  ASSERT_EQ(bytes.size(), kMinBootpSize);
  EXPECT_EQ(bytes[kOptionsOffset], option::kMessageType);
  EXPECT_EQ(bytes[kOptionsOffset + 3], option::kEnd);
  for (size_t i = kOptionsOffset + 4; i < bytes.size(); ++i) {
    EXPECT_EQ(bytes[i], option::kPad) << i;
  }
}

TEST(PacketSerializerTest, SplitsValuesLongerThan255Bytes) {
  const DhcpPacket packet = reply_with_options({{53, 1}, {121, 300}});
  const auto bytes = serialize_dhcp_packet(packet, 1500);
  const size_t first = kOptionsOffset + 3;
  EXPECT_EQ(bytes[first], 121);
  EXPECT_EQ(bytes[first + 1], 255);
  EXPECT_EQ(bytes[first + 2 + 255], 121);
  EXPECT_EQ(bytes[first + 3 + 255], 45);
  EXPECT_EQ(parse_dhcp_packet(bytes).packet->options, packet.options);
}

TEST(PacketSerializerTest, OverloadsIntoFileThenSnameWhenOptionsDoNotFit) {
  // 548 bytes leave 308 for the options field: 52, 53, 54 and 43 take 304 of them, option 60
  // no longer fits and goes to file, and option 77 no longer fits in what file has left.
  const DhcpPacket packet = reply_with_options({{53, 1}, {54, 4}, {43, 290}, {60, 100}, {77, 50}});
  const auto bytes = serialize_dhcp_packet(packet, kMinMaxMessageSize);
  EXPECT_LE(bytes.size(), kMinMaxMessageSize - kIpUdpHeaderSize);
  EXPECT_EQ(bytes[kOptionsOffset], option::kOverload);
  EXPECT_EQ(bytes[kOptionsOffset + 2], kOverloadFile | kOverloadSname);
  EXPECT_EQ(bytes[kFileOffset], 60);
  EXPECT_EQ(bytes[kFileOffset + 102], option::kEnd);
  EXPECT_EQ(bytes[kSnameOffset], 77);
  EXPECT_EQ(bytes[kSnameOffset + 52], option::kEnd);
  const auto parsed = parse_dhcp_packet(bytes);
  ASSERT_TRUE(parsed) << to_string(parsed.error);
  EXPECT_EQ(parsed.packet->options.size(), packet.options.size());
  for (const DhcpOption& option : packet.options.entries()) {
    ASSERT_NE(parsed.packet->options.find(option.code), nullptr) << int{option.code};
    EXPECT_EQ(*parsed.packet->options.find(option.code), option.data) << int{option.code};
  }
}

TEST(PacketSerializerTest, LargerMaximumMessageSizeAvoidsOverload) {
  const DhcpPacket packet = reply_with_options({{53, 1}, {54, 4}, {43, 290}, {60, 100}, {77, 50}});
  const auto bytes = serialize_dhcp_packet(packet, 1000);
  EXPECT_EQ(bytes[kOptionsOffset], option::kMessageType);
  EXPECT_EQ(parse_dhcp_packet(bytes).packet->options, packet.options);
}

TEST(PacketSerializerTest, SplitsAcrossFieldsWhenNoFieldHoldsAnOptionWhole) {
  const DhcpPacket packet = reply_with_options({{53, 1}, {43, 250}, {121, 200}});
  const auto bytes = serialize_dhcp_packet(packet, kMinMaxMessageSize);
  const auto parsed = parse_dhcp_packet(bytes);
  ASSERT_TRUE(parsed) << to_string(parsed.error);
  EXPECT_EQ(parsed.packet->options, packet.options);
}

TEST(PacketSerializerTest, DropsOptionsThatCannotFitAndKeepsTheFirstOnes) {
  const DhcpPacket packet = reply_with_options({{53, 1}, {54, 4}, {43, 600}, {12, 10}});
  const auto bytes = serialize_dhcp_packet(packet, kMinMaxMessageSize);
  const auto parsed = parse_dhcp_packet(bytes);
  ASSERT_TRUE(parsed) << to_string(parsed.error);
  EXPECT_EQ(testing::option_codes(*parsed.packet), (std::vector<uint8_t>{53, 54, 12}));
}

TEST(PacketSerializerTest, MaximumSizeBelow576IsRaisedTo576) {
  const DhcpPacket packet = reply_with_options({{53, 1}, {43, 290}});
  const auto bytes = serialize_dhcp_packet(packet, 300);
  EXPECT_EQ(bytes[kOptionsOffset], option::kMessageType);
  EXPECT_EQ(parse_dhcp_packet(bytes).packet->options, packet.options);
}

}  // namespace
}  // namespace neutrino::dhcp
