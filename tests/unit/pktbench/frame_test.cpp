#include "pktbench/frame.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace neutrino::pktbench {
namespace {

FlowAddresses flow() {
  FlowAddresses f;
  f.src_mac = *parse_mac("02:00:00:00:00:01");
  f.dst_mac = *parse_mac("02:00:00:00:00:02");
  f.src_ip = *parse_ipv4("10.0.0.5");
  f.dst_ip = *parse_ipv4("10.0.0.6");
  f.src_port = 40000;
  f.dst_port = 9;
  return f;
}

TEST(Frame, SixtyFourByteFrameHoldsHeadersAndProbe) {
  std::vector<std::uint8_t> buf(buffer_bytes(64));
  ASSERT_EQ(build_frame(flow(), 64, buf), 60u);
  EXPECT_EQ(buf[0], 0x02);
  EXPECT_EQ(buf[5], 0x02);   // destination MAC first
  EXPECT_EQ(buf[11], 0x01);  // then the source
  EXPECT_EQ(buf[12], 0x08);
  EXPECT_EQ(buf[13], 0x00);
  EXPECT_EQ(buf[14 + 2] << 8 | buf[14 + 3], 46);  // IPv4 total length
  EXPECT_EQ(buf[34 + 4] << 8 | buf[34 + 5], 26);  // UDP length
  EXPECT_EQ(buf[26], 10);
  EXPECT_EQ(buf[29], 5);
  EXPECT_EQ(buf[33], 6);
}

TEST(Frame, Ipv4ChecksumVerifies) {
  std::vector<std::uint8_t> buf(buffer_bytes(1500));
  build_frame(flow(), 1500, buf);
  std::uint32_t sum = 0;
  for (int i = 0; i < 20; i += 2)
    sum += buf[14 + i] << 8 | buf[14 + i + 1];
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  EXPECT_EQ(sum, 0xffffu);
}

TEST(Frame, ProbeRoundTripsAtEverySize) {
  for (std::size_t size : {64u, 128u, 594u, 1500u, 1518u}) {
    std::vector<std::uint8_t> buf(buffer_bytes(size));
    build_frame(flow(), size, buf);
    stamp_probe(buf, Probe{0x0102030405060708ull, 987654321ull});
    auto probe = parse_probe(buf, 9);
    ASSERT_TRUE(probe) << size;
    EXPECT_EQ(probe->sequence, 0x0102030405060708ull);
    EXPECT_EQ(probe->tx_ns, 987654321ull);
  }
}

TEST(Frame, RefusesSizesOutsideRfc2544Range) {
  std::vector<std::uint8_t> buf(2000);
  EXPECT_THROW(build_frame(flow(), 63, buf), std::invalid_argument);
  EXPECT_THROW(build_frame(flow(), 1519, buf), std::invalid_argument);
  std::vector<std::uint8_t> small(59);
  EXPECT_THROW(build_frame(flow(), 64, small), std::invalid_argument);
}

TEST(Frame, ParserIgnoresOtherTraffic) {
  std::vector<std::uint8_t> buf(buffer_bytes(64));
  build_frame(flow(), 64, buf);
  EXPECT_FALSE(parse_probe(buf, 10));  // another UDP port
  auto arp = buf;
  arp[12] = 0x08;
  arp[13] = 0x06;
  EXPECT_FALSE(parse_probe(arp, 9));
  auto bad_magic = buf;
  bad_magic[kProbeOffset] = 0;
  EXPECT_FALSE(parse_probe(bad_magic, 9));
  auto fragment = buf;
  fragment[14 + 7] = 1;  // fragment offset 8
  EXPECT_FALSE(parse_probe(fragment, 9));
  EXPECT_FALSE(parse_probe(std::span(buf).first(50), 9));  // truncated
}

TEST(Frame, ParsesAndFormatsAddresses) {
  EXPECT_EQ(format_mac(*parse_mac("fa:16:3e:0A:bc:01")), "fa:16:3e:0a:bc:01");
  EXPECT_FALSE(parse_mac("fa:16:3e:0a:bc"));
  EXPECT_FALSE(parse_mac("fa-16-3e-0a-bc-01"));
  EXPECT_FALSE(parse_mac("fa:16:3e:0a:bc:zz"));
  EXPECT_EQ(*parse_ipv4("192.168.1.2"), 0xc0a80102u);
  EXPECT_FALSE(parse_ipv4("192.168.1"));
  EXPECT_FALSE(parse_ipv4("192.168.1.256"));
  EXPECT_FALSE(parse_ipv4("192.168.1.2x"));
  EXPECT_FALSE(parse_ipv4(""));
}

}  // namespace
}  // namespace neutrino::pktbench
