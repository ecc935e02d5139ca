#include "dhcp/udp_datagram.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace neutrino::dhcp {
namespace {

// 10.0.0.5:68 -> 255.255.255.255:67 carrying `payload`.
std::vector<uint8_t> packet(std::vector<uint8_t> payload, uint8_t ihl = 5) {
  std::vector<uint8_t> p(ihl * 4u, 0);
  p[0] = static_cast<uint8_t>(0x40 | ihl);
  const size_t total = ihl * 4u + 8 + payload.size();
  p[2] = static_cast<uint8_t>(total >> 8);
  p[3] = static_cast<uint8_t>(total);
  p[8] = 64;
  p[9] = 17;
  const uint8_t addresses[] = {10, 0, 0, 5, 255, 255, 255, 255};
  std::copy(std::begin(addresses), std::end(addresses), p.begin() + 12);
  const size_t udp_length = 8 + payload.size();
  const uint8_t udp[] = {
      0, 68, 0, 67, static_cast<uint8_t>(udp_length >> 8), static_cast<uint8_t>(udp_length), 0, 0};
  p.insert(p.end(), std::begin(udp), std::end(udp));
  p.insert(p.end(), payload.begin(), payload.end());
  return p;
}

TEST(UdpDatagramTest, FindsThePayloadAndTheAddresses) {
  const auto bytes = packet({1, 2, 3});
  const auto datagram = parse_udp_datagram(bytes);
  ASSERT_TRUE(datagram);
  EXPECT_EQ(datagram->source, Ipv4Address(10, 0, 0, 5));
  EXPECT_EQ(datagram->destination, Ipv4Address::broadcast());
  EXPECT_EQ(datagram->source_port, 68);
  EXPECT_EQ(datagram->destination_port, 67);
  EXPECT_EQ(std::vector<uint8_t>(datagram->payload.begin(), datagram->payload.end()),
            (std::vector<uint8_t>{1, 2, 3}));
}

TEST(UdpDatagramTest, SkipsIpOptionsAndIgnoresEthernetPadding) {
  auto bytes = packet({9, 9}, 6);
  bytes.resize(bytes.size() + 18, 0);  // padded to Ethernet's minimum
  const auto datagram = parse_udp_datagram(bytes);
  ASSERT_TRUE(datagram);
  EXPECT_EQ(datagram->payload.size(), 2u);
  EXPECT_EQ(datagram->payload[0], 9);
}

TEST(UdpDatagramTest, RefusesWhatIsNotOneWholeUdpDatagram) {
  const auto good = packet({1, 2, 3});
  EXPECT_FALSE(parse_udp_datagram(std::span(good).first(good.size() - 1)));  // truncated
  auto tcp = good;
  tcp[9] = 6;
  EXPECT_FALSE(parse_udp_datagram(tcp));
  auto v6 = good;
  v6[0] = 0x65;
  EXPECT_FALSE(parse_udp_datagram(v6));
  auto short_header = good;
  short_header[0] = 0x44;
  EXPECT_FALSE(parse_udp_datagram(short_header));
  auto more_fragments = good;
  more_fragments[6] = 0x20;
  EXPECT_FALSE(parse_udp_datagram(more_fragments));
  auto later_fragment = good;
  later_fragment[7] = 0x01;
  EXPECT_FALSE(parse_udp_datagram(later_fragment));
  auto long_udp = good;
  long_udp[25] = 200;  // UDP length past the IP payload
  EXPECT_FALSE(parse_udp_datagram(long_udp));
  auto tiny_udp = good;
  tiny_udp[25] = 7;
  EXPECT_FALSE(parse_udp_datagram(tiny_udp));
  EXPECT_FALSE(parse_udp_datagram({}));
  auto dont_fragment = good;
  dont_fragment[6] = 0x40;  // DF is fine
  EXPECT_TRUE(parse_udp_datagram(dont_fragment));
}

}  // namespace
}  // namespace neutrino::dhcp
