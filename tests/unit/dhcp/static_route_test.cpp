#include "dhcp/static_route.hpp"

#include <gtest/gtest.h>

namespace neutrino::dhcp {
namespace {

const Ipv4Address kRouter(10, 0, 0, 1);

StaticRoute route(const char* cidr) {
  return {*Ipv4Cidr::parse(cidr), kRouter};
}

std::vector<uint8_t> with_router(std::vector<uint8_t> descriptor) {
  descriptor.insert(descriptor.end(), {10, 0, 0, 1});
  return descriptor;
}

// The destination descriptors of RFC 3442 section 1's table.
TEST(StaticRouteTest, EncodesTheRfc3442Examples) {
  const std::pair<const char*, std::vector<uint8_t>> examples[] = {
      {"0.0.0.0/0", {0}},
      {"10.0.0.0/8", {8, 10}},
      {"10.0.0.0/24", {24, 10, 0, 0}},
      {"10.17.0.0/16", {16, 10, 17}},
      {"10.27.129.0/24", {24, 10, 27, 129}},
      {"10.229.0.128/25", {25, 10, 229, 0, 128}},
      {"10.198.122.47/32", {32, 10, 198, 122, 47}},
  };
  for (const auto& [cidr, descriptor] : examples) {
    const StaticRoute routes[] = {route(cidr)};
    EXPECT_EQ(encode_classless_routes(routes), with_router(descriptor)) << cidr;
    EXPECT_EQ(decode_classless_routes(with_router(descriptor)),
              std::vector<StaticRoute>{route(cidr)})
        << cidr;
  }
}

TEST(StaticRouteTest, ConcatenatesRoutesAndRoundTrips) {
  const std::vector<StaticRoute> routes = {
      {*Ipv4Cidr::parse("169.254.169.254/32"), Ipv4Address(10, 0, 0, 2)},
      {Ipv4Cidr(), kRouter},
  };
  const auto value = encode_classless_routes(routes);
  EXPECT_EQ(value, (std::vector<uint8_t>{32, 169, 254, 169, 254, 10, 0, 0, 2, 0, 10, 0, 0, 1}));
  EXPECT_EQ(decode_classless_routes(value), routes);
}

TEST(StaticRouteTest, DecodeRejectsBadWidthsAndShortValues) {
  EXPECT_FALSE(decode_classless_routes(std::vector<uint8_t>{33, 1, 2, 3, 4, 5, 10, 0, 0, 1}));
  EXPECT_FALSE(decode_classless_routes(std::vector<uint8_t>{24, 10, 0, 0, 10, 0, 0}));
  EXPECT_FALSE(decode_classless_routes(std::vector<uint8_t>{24, 10}));
  EXPECT_EQ(decode_classless_routes(std::vector<uint8_t>{}), std::vector<StaticRoute>{});
}

TEST(StaticRouteTest, DecodeClearsBitsBeyondTheWidth) {
  const auto routes = decode_classless_routes(std::vector<uint8_t>{9, 10, 255, 10, 0, 0, 1});
  ASSERT_TRUE(routes);
  EXPECT_EQ((*routes)[0].destination.to_string(), "10.128.0.0/9");
}

}  // namespace
}  // namespace neutrino::dhcp
