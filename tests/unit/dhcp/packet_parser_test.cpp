#include "dhcp/packet_parser.hpp"

#include <gtest/gtest.h>

#include "tests/unit/dhcp/dhcp_test_support.hpp"

namespace neutrino::dhcp {
namespace {

using testing::kGuestMac;
using testing::raw_request;

ParseError error_of(const std::vector<uint8_t>& bytes) {
  return parse_dhcp_packet(bytes).error;
}

std::string text(const std::vector<uint8_t>* value) {
  return value == nullptr ? "<none>" : std::string(value->begin(), value->end());
}

TEST(PacketParserTest, ReadsHeaderFields) {
  auto bytes = raw_request({53, 1, 1, 255});
  bytes[3] = 2;     // hops
  bytes[8] = 0x01;  // secs 0x0102
  bytes[9] = 0x02;
  bytes[10] = 0x80;  // broadcast flag
  bytes[12] = 10;    // ciaddr 10.0.0.7
  bytes[15] = 7;
  bytes[24] = 192;  // giaddr 192.0.0.0
  const auto parsed = parse_dhcp_packet(bytes);
  ASSERT_TRUE(parsed) << to_string(parsed.error);
  const DhcpPacket& packet = *parsed.packet;
  EXPECT_EQ(packet.op, 1);
  EXPECT_EQ(packet.hops, 2);
  EXPECT_EQ(packet.xid, 0xdeadbeefu);
  EXPECT_EQ(packet.secs, 0x0102);
  EXPECT_TRUE(packet.broadcast_flag());
  EXPECT_EQ(packet.ciaddr, Ipv4Address(10, 0, 0, 7));
  EXPECT_EQ(packet.giaddr, Ipv4Address(192, 0, 0, 0));
  EXPECT_EQ(packet.client_mac(), kGuestMac);
  EXPECT_EQ(packet.message_type(), MessageType::kDiscover);
}

TEST(PacketParserTest, SkipsPadAndIgnoresEverythingAfterEnd) {
  const auto parsed = parse_dhcp_packet(raw_request({0, 0, 53, 1, 3, 0, 255, 12, 200, 1}));
  ASSERT_TRUE(parsed) << to_string(parsed.error);
  EXPECT_EQ(parsed.packet->options.size(), 1u);
}

TEST(PacketParserTest, ToleratesAMissingEndOption) {
  EXPECT_TRUE(parse_dhcp_packet(raw_request({53, 1, 1, 12, 1, 'x'})));
}

TEST(PacketParserTest, ConcatenatesRepeatedOptions) {
  const auto parsed =
      parse_dhcp_packet(raw_request({12, 2, 'a', 'b', 53, 1, 3, 12, 0, 12, 3, 'c', 'd', 'e', 255}));
  ASSERT_TRUE(parsed) << to_string(parsed.error);
  EXPECT_EQ(text(parsed.packet->options.find(option::kHostName)), "abcde");
  EXPECT_EQ(parsed.packet->options.entries()[0].code, option::kHostName);
}

TEST(PacketParserTest, ReadsOverloadedFileThenSname) {
  auto bytes = raw_request({52, 1, 3, 12, 1, 'a', 53, 1, 1, 255});
  const uint8_t in_file[] = {12, 2, 'b', 'c', 0, 255};
  const uint8_t in_sname[] = {12, 1, 'd', 15, 3, 'l', 'a', 'n', 255};
  std::copy(std::begin(in_file), std::end(in_file), bytes.begin() + kFileOffset);
  std::copy(std::begin(in_sname), std::end(in_sname), bytes.begin() + kSnameOffset);
  const auto parsed = parse_dhcp_packet(bytes);
  ASSERT_TRUE(parsed) << to_string(parsed.error);
  EXPECT_EQ(text(parsed.packet->options.find(option::kHostName)), "abcd");
  EXPECT_EQ(text(parsed.packet->options.find(option::kDomainName)), "lan");
  EXPECT_FALSE(parsed.packet->options.contains(option::kOverload));
}

TEST(PacketParserTest, UnoverloadedSnameIsNotParsed) {
  auto bytes = raw_request({53, 1, 1, 255});
  const uint8_t garbage[] = {12, 200};
  std::copy(std::begin(garbage), std::end(garbage), bytes.begin() + kSnameOffset);
  EXPECT_TRUE(parse_dhcp_packet(bytes));
}

TEST(PacketParserTest, RejectsTruncatedMessages) {
  auto bytes = raw_request({53, 1, 1, 255});
  bytes.resize(kOptionsOffset - 1);
  EXPECT_EQ(error_of(bytes), ParseError::kTruncated);
  EXPECT_EQ(error_of({}), ParseError::kTruncated);
  EXPECT_EQ(error_of({1, 1, 6, 0}), ParseError::kTruncated);
}

TEST(PacketParserTest, RejectsBadHeaderFields) {
  auto bad_op = raw_request({53, 1, 1, 255});
  bad_op[0] = 3;
  EXPECT_EQ(error_of(bad_op), ParseError::kBadOp);
  auto long_hlen = raw_request({53, 1, 1, 255});
  long_hlen[2] = 17;
  EXPECT_EQ(error_of(long_hlen), ParseError::kBadHardwareLength);
  auto bootp = raw_request({53, 1, 1, 255});
  bootp[kCookieOffset] = 99;
  bootp[kCookieOffset + 3] = 0;
  EXPECT_EQ(error_of(bootp), ParseError::kBadCookie);
}

TEST(PacketParserTest, RejectsOptionsOverrunningTheirField) {
  EXPECT_EQ(error_of(raw_request({53, 1, 1, 12, 5, 'a', 'b'})), ParseError::kOptionOverrun);
  EXPECT_EQ(error_of(raw_request({53, 1, 1, 12})), ParseError::kOptionOverrun);
  EXPECT_EQ(error_of(raw_request({53, 1})), ParseError::kOptionOverrun);
  // An option in file may not run on into sname or the cookie.
  auto bytes = raw_request({52, 1, 1, 53, 1, 1, 255});
  bytes[kFileOffset + kFileSize - 2] = 12;
  bytes[kFileOffset + kFileSize - 1] = 10;
  EXPECT_EQ(error_of(bytes), ParseError::kOptionOverrun);
}

TEST(PacketParserTest, RejectsOverloadLoopsAndBadOverloadValues) {
  auto loop = raw_request({52, 1, 1, 53, 1, 1, 255});
  const uint8_t overload_again[] = {52, 1, 3, 255};
  std::copy(std::begin(overload_again), std::end(overload_again), loop.begin() + kFileOffset);
  EXPECT_EQ(error_of(loop), ParseError::kBadOverload);
  EXPECT_EQ(error_of(raw_request({52, 1, 0, 53, 1, 1, 255})), ParseError::kBadOverload);
  EXPECT_EQ(error_of(raw_request({52, 1, 4, 53, 1, 1, 255})), ParseError::kBadOverload);
  EXPECT_EQ(error_of(raw_request({52, 2, 1, 1, 53, 1, 1, 255})), ParseError::kBadOverload);
  EXPECT_EQ(error_of(raw_request({52, 1, 1, 52, 1, 1, 53, 1, 1, 255})), ParseError::kBadOverload);
}

TEST(PacketParserTest, RejectsBadSizesOfOptionsTheServerReads) {
  EXPECT_EQ(error_of(raw_request({53, 2, 1, 1, 255})), ParseError::kBadOptionLength);
  // Concatenation happens first: two one-byte halves of option 53 make a bad whole.
  EXPECT_EQ(error_of(raw_request({53, 1, 1, 53, 1, 1, 255})), ParseError::kBadOptionLength);
  EXPECT_EQ(error_of(raw_request({53, 1, 3, 50, 3, 10, 0, 0, 255})), ParseError::kBadOptionLength);
  EXPECT_EQ(error_of(raw_request({53, 1, 3, 54, 5, 10, 0, 0, 2, 0, 255})),
            ParseError::kBadOptionLength);
  EXPECT_EQ(error_of(raw_request({53, 1, 1, 57, 1, 2, 255})), ParseError::kBadOptionLength);
}

TEST(PacketParserTest, RequiresADhcpMessageType) {
  EXPECT_EQ(error_of(raw_request({12, 1, 'a', 255})), ParseError::kMissingMessageType);
  EXPECT_EQ(error_of(raw_request({53, 1, 0, 255})), ParseError::kBadMessageType);
}

}  // namespace
}  // namespace neutrino::dhcp
