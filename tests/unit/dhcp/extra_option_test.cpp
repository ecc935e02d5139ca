#include "dhcp/extra_option.hpp"

#include <gtest/gtest.h>

#include "dhcp/dhcp_server.hpp"
#include "tests/unit/dhcp/dhcp_test_support.hpp"

namespace neutrino::dhcp {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes data(std::string_view name, std::string_view value) {
  const auto option = encode_extra_option(name, value);
  EXPECT_TRUE(option) << name << "=" << value;
  return option ? option->data : Bytes{};
}

uint8_t code(std::string_view name, std::string_view value) {
  const auto option = encode_extra_option(name, value);
  return option ? option->code : 0;
}

TEST(ExtraOptionTest, DnsmasqNamesEncodeByTheirType) {
  EXPECT_EQ(code("tftp-server", "10.0.0.9"), 66);
  EXPECT_EQ(data("tftp-server", "10.0.0.9"), Bytes({'1', '0', '.', '0', '.', '0', '.', '9'}));
  EXPECT_EQ(code("bootfile-name", "pxelinux.0"), 67);
  EXPECT_EQ(data("mtu", "1400"), Bytes({0x05, 0x78}));
  EXPECT_EQ(data("router", "10.0.0.254,10.0.0.253"), Bytes({10, 0, 0, 254, 10, 0, 0, 253}));
  EXPECT_EQ(data("ip-forward-enable", "1"), Bytes({1}));
  EXPECT_EQ(data("classless-static-route", "10.8.0.0/16,10.0.0.7"),
            Bytes({16, 10, 8, 10, 0, 0, 7}));
  const auto next = encode_extra_option("server-ip-address", "10.0.0.9");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->code, 0);
  EXPECT_EQ(next->next_server, Ipv4Address(10, 0, 0, 9));
}

TEST(ExtraOptionTest, NumbersNameCodes) {
  EXPECT_EQ(code("26", "1400"), 26);
  EXPECT_EQ(data("26", "1400"), Bytes({0x05, 0x78}));  // a known code keeps its type
  EXPECT_EQ(code("224", "hello"), 224);
  EXPECT_EQ(data("224", "hello"), Bytes({'h', 'e', 'l', 'l', 'o'}));
  EXPECT_EQ(data("150", "10.0.0.9,10.0.0.10"), Bytes({10, 0, 0, 9, 10, 0, 0, 10}));
}

TEST(ExtraOptionTest, BlankRouterWithholdsIt) {
  const auto blank = encode_extra_option("router", "");
  ASSERT_TRUE(blank);
  EXPECT_EQ(blank->code, 3);
  EXPECT_TRUE(blank->data.empty());
}

TEST(ExtraOptionTest, WhatDoesNotFitOrIsTheServersIsRefused) {
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"no-such-option", "1"},
           {"mtu", "70000"},
           {"mtu", "big"},
           {"router", "10.0.0.300"},
           {"netmask", "255.0.0.0,255.0.0.0"},
           {"53", "1"},
           {"54", "10.0.0.1"},
           {"51", "60"},
           {"256", "x"},
           {"tftp-server", ""},
           {"classless-static-route", "10.8.0.0/16"}}) {
    EXPECT_FALSE(encode_extra_option(name, value)) << name << "=" << value;
  }
}

TEST(ExtraOptionTest, TheServerSendsAHostsOptionsToThatHostOnly) {
  DhcpServerConfig config = testing::network_config();
  config.hosts[0].extra_options.set(66, {'t', 'f'});
  config.hosts[0].extra_options.set(26, {0x05, 0x78});
  config.hosts[0].extra_options.set(3, {});
  config.hosts[0].next_server = Ipv4Address(10, 0, 0, 9);
  config.hosts.push_back({testing::kStrangerMac, Ipv4Address(10, 0, 0, 6), "", {}, {}});
  DhcpServer server(config);
  for (const auto& mac : {testing::kGuestMac, testing::kStrangerMac}) {
    DhcpPacket discover = testing::client_packet(MessageType::kDiscover, mac);
    discover.options.set(option::kParameterRequestList, {1, 3, 26, 66});
    const DhcpPacket reply = testing::decoded_reply(server.handle(testing::encode(discover)));
    if (mac == testing::kGuestMac) {
      EXPECT_EQ(*reply.options.find(66), Bytes({'t', 'f'}));
      EXPECT_EQ(*reply.options.find(26), Bytes({0x05, 0x78}));
      EXPECT_FALSE(reply.options.contains(3));  // withheld
      EXPECT_EQ(reply.siaddr, Ipv4Address(10, 0, 0, 9));
    } else {
      EXPECT_FALSE(reply.options.contains(66));
      EXPECT_EQ(*reply.options.find(26), Bytes({0x05, 0xaa}));  // the network's 1450
      EXPECT_EQ(*reply.options.find(3), Bytes({10, 0, 0, 1}));
      EXPECT_EQ(reply.siaddr, Ipv4Address());
    }
  }
}

}  // namespace
}  // namespace neutrino::dhcp
