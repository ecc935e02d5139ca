#include "controller/ipam/allocation_pools.hpp"

#include <gtest/gtest.h>

#include "tests/unit/controller/ipam/api_error_of.hpp"

namespace neutrino::ipam {
namespace {

using test_support::api_error_of;

IpAddress ip(std::string_view text) {
  return IpAddress::parse(text).value();
}
IpRange range(std::string_view first, std::string_view last) {
  return {ip(first), ip(last)};
}
Cidr cidr(std::string_view text) {
  return Cidr::parse(text);
}

void expect_error(const std::function<void()>& action, int status, const std::string& type,
                  const std::string& message) {
  const auto error = api_error_of(action);
  EXPECT_EQ(error.status(), status);
  EXPECT_EQ(error.type(), type);
  EXPECT_EQ(std::string(error.what()), message);
}

// --- default pools ---

TEST(DefaultPoolsTest, GatewayAtStartLeavesOnePool) {
  EXPECT_EQ(default_allocation_pools(cidr("10.0.0.0/24"), ip("10.0.0.1")),
            std::vector<IpRange>{range("10.0.0.2", "10.0.0.254")});
}

TEST(DefaultPoolsTest, GatewayInTheMiddleSplitsThePool) {
  EXPECT_EQ(
      default_allocation_pools(cidr("10.0.0.0/24"), ip("10.0.0.100")),
      (std::vector<IpRange>{range("10.0.0.1", "10.0.0.99"), range("10.0.0.101", "10.0.0.254")}));
}

TEST(DefaultPoolsTest, GatewayAtEndLeavesOnePool) {
  EXPECT_EQ(default_allocation_pools(cidr("10.0.0.0/24"), ip("10.0.0.254")),
            std::vector<IpRange>{range("10.0.0.1", "10.0.0.253")});
}

TEST(DefaultPoolsTest, GatewayOutsideOrAbsentChangesNothing) {
  const std::vector<IpRange> whole{range("10.0.0.1", "10.0.0.254")};
  EXPECT_EQ(default_allocation_pools(cidr("10.0.0.0/24"), ip("192.168.0.1")), whole);
  EXPECT_EQ(default_allocation_pools(cidr("10.0.0.0/24"), std::nullopt), whole);
  // The network and broadcast addresses are not in the host range to begin with.
  EXPECT_EQ(default_allocation_pools(cidr("10.0.0.0/24"), ip("10.0.0.255")), whole);
}

TEST(DefaultPoolsTest, PointToPointAndHostBlocks) {
  EXPECT_EQ(default_allocation_pools(cidr("10.0.0.4/31"), std::nullopt),
            std::vector<IpRange>{range("10.0.0.4", "10.0.0.5")});
  EXPECT_EQ(default_allocation_pools(cidr("10.0.0.4/31"), ip("10.0.0.4")),
            std::vector<IpRange>{range("10.0.0.5", "10.0.0.5")});
  EXPECT_EQ(default_allocation_pools(cidr("10.0.0.7/32"), std::nullopt),
            std::vector<IpRange>{range("10.0.0.7", "10.0.0.7")});
  EXPECT_TRUE(default_allocation_pools(cidr("10.0.0.7/32"), ip("10.0.0.7")).empty());
}

TEST(DefaultPoolsTest, Ipv6Slash64) {
  EXPECT_EQ(default_allocation_pools(cidr("2001:db8::/64"), ip("2001:db8::1")),
            std::vector<IpRange>{range("2001:db8::2", "2001:db8::ffff:ffff:ffff:ffff")});
  EXPECT_EQ(default_allocation_pools(cidr("2001:db8::/64"), std::nullopt),
            std::vector<IpRange>{range("2001:db8::1", "2001:db8::ffff:ffff:ffff:ffff")});
}

// --- validation ---

TEST(ValidatePoolsTest, AcceptsGoodPools) {
  EXPECT_NO_THROW(validate_allocation_pools(
      cidr("10.0.0.0/16"), {range("10.0.1.1", "10.0.3.254"), range("10.0.0.10", "10.0.0.250")},
      ip("10.0.0.1")));
  EXPECT_NO_THROW(validate_allocation_pools(cidr("10.0.0.0/24"), {range("10.0.0.1", "10.0.0.254")},
                                            std::nullopt));
  EXPECT_NO_THROW(validate_allocation_pools(cidr("10.0.0.0/24"), {}, ip("10.0.0.1")));
  // Adjacent is not overlapping.
  EXPECT_NO_THROW(validate_allocation_pools(
      cidr("10.0.0.0/24"), {range("10.0.0.10", "10.0.0.20"), range("10.0.0.21", "10.0.0.30")},
      std::nullopt));
}

TEST(ValidatePoolsTest, ReversedPoolIsInvalid) {
  expect_error(
      [] {
        validate_allocation_pools(cidr("10.0.0.0/24"), {range("10.0.0.100", "10.0.0.10")},
                                  std::nullopt);
      },
      400, "InvalidAllocationPool", "The allocation pool 10.0.0.100-10.0.0.10 is not valid.");
}

TEST(ValidatePoolsTest, WrongVersionIsInvalid) {
  expect_error(
      [] {
        validate_allocation_pools(cidr("10.0.0.0/24"), {range("10.0.0.5", "::1")}, std::nullopt);
      },
      400, "InvalidAllocationPool", "The allocation pool 10.0.0.5-::1 is not valid.");
  expect_error(
      [] { validate_allocation_pools(cidr("10.0.0.0/24"), {range("::5", "::9")}, std::nullopt); },
      400, "InvalidAllocationPool", "The allocation pool ::5-::9 is not valid.");
}

TEST(ValidatePoolsTest, OutOfBounds) {
  // The message of the captured Neutron sample, samples/subnet-pool-outside-cidr-error.json.
  expect_error(
      [] {
        validate_allocation_pools(cidr("10.9.0.0/24"), {range("10.9.1.1", "10.9.1.5")},
                                  std::nullopt);
      },
      400, "OutOfBoundsAllocationPool",
      "The allocation pool 10.9.1.1-10.9.1.5 spans beyond the subnet cidr 10.9.0.0/24.");
  for (const auto& pool : {range("10.0.0.0", "10.0.0.10"), range("10.0.0.200", "10.0.0.255")}) {
    const auto error =
        api_error_of([&] { validate_allocation_pools(cidr("10.0.0.0/24"), {pool}, std::nullopt); });
    EXPECT_EQ(error.type(), "OutOfBoundsAllocationPool") << pool;
  }
  // IPv6 has no broadcast: the last address is fine, the network address is not.
  EXPECT_NO_THROW(validate_allocation_pools(cidr("2001:db8::/120"),
                                            {range("2001:db8::f0", "2001:db8::ff")}, std::nullopt));
  EXPECT_EQ(api_error_of([] {
              validate_allocation_pools(cidr("2001:db8::/120"),
                                        {range("2001:db8::", "2001:db8::10")}, std::nullopt);
            }).type(),
            "OutOfBoundsAllocationPool");
}

TEST(ValidatePoolsTest, InvalidIsReportedBeforeOutOfBounds) {
  // Neutron builds every range first, so a later reversed pool wins over an earlier
  // out-of-bounds one.
  expect_error(
      [] {
        validate_allocation_pools(cidr("10.0.0.0/24"),
                                  {range("10.0.5.1", "10.0.5.9"), range("10.0.0.100", "10.0.0.10")},
                                  std::nullopt);
      },
      400, "InvalidAllocationPool", "The allocation pool 10.0.0.100-10.0.0.10 is not valid.");
}

TEST(ValidatePoolsTest, Overlapping) {
  expect_error(
      [] {
        validate_allocation_pools(
            cidr("10.0.0.0/24"), {range("10.0.0.10", "10.0.0.20"), range("10.0.0.15", "10.0.0.30")},
            std::nullopt);
      },
      409, "OverlappingAllocationPools",
      "Found overlapping allocation pools: 10.0.0.10-10.0.0.20 10.0.0.15-10.0.0.30 for subnet "
      "10.0.0.0/24.");
}

TEST(ValidatePoolsTest, OverlapNamesTheFirstPairInRequestOrder) {
  // Sorted, the first overlap would be 10.0.0.1-10.0.0.5 with 10.0.0.5-10.0.0.6; Neutron's
  // pairwise loop names pool 0 with pool 2.
  expect_error(
      [] {
        validate_allocation_pools(cidr("10.0.0.0/24"),
                                  {range("10.0.0.50", "10.0.0.60"), range("10.0.0.1", "10.0.0.5"),
                                   range("10.0.0.55", "10.0.0.56"), range("10.0.0.5", "10.0.0.6")},
                                  std::nullopt);
      },
      409, "OverlappingAllocationPools",
      "Found overlapping allocation pools: 10.0.0.50-10.0.0.60 10.0.0.55-10.0.0.56 for subnet "
      "10.0.0.0/24.");
}

TEST(ValidatePoolsTest, GatewayInsideAPool) {
  expect_error(
      [] {
        validate_allocation_pools(cidr("10.0.0.0/24"), {range("10.0.0.1", "10.0.0.10")},
                                  ip("10.0.0.1"));
      },
      409, "GatewayConflictWithAllocationPools",
      "Gateway ip 10.0.0.1 conflicts with allocation pool 10.0.0.1-10.0.0.10.");
  // A gateway outside the cidr conflicts with nothing.
  EXPECT_NO_THROW(validate_allocation_pools(cidr("10.0.0.0/24"), {range("10.0.0.1", "10.0.0.254")},
                                            ip("10.1.0.1")));
}

TEST(ValidatePoolsTest, PointToPointPoolsMayUseBothAddresses) {
  EXPECT_NO_THROW(validate_allocation_pools(cidr("10.0.0.4/31"), {range("10.0.0.4", "10.0.0.5")},
                                            std::nullopt));
  EXPECT_NO_THROW(validate_allocation_pools(cidr("10.0.0.7/32"), {range("10.0.0.7", "10.0.0.7")},
                                            std::nullopt));
}

TEST(ValidatePoolsTest, ManyDisjointPoolsAreCheckedQuickly) {
  std::vector<IpRange> pools;
  for (uint32_t i = 0; i < 20000; ++i) {
    const auto first = ip("10.0.0.0") + (uint128{i} * 4 + 1);
    pools.push_back({first, first + 1});
  }
  EXPECT_NO_THROW(validate_allocation_pools(cidr("10.0.0.0/8"), pools, ip("10.0.0.3")));
}

// --- parsing the request body ---

TEST(ParsePoolsTest, ParsesStartEnd) {
  const auto pools = parse_allocation_pools(
      Json::parse(R"([{"start": "10.0.0.2", "end": "10.0.0.9"}, {"end": "::9", "start": "::2"}])"));
  EXPECT_EQ(pools, (std::vector<IpRange>{range("10.0.0.2", "10.0.0.9"), range("::2", "::9")}));
  EXPECT_TRUE(parse_allocation_pools(Json::array()).empty());
}

TEST(ParsePoolsTest, ReversedPoolIsLeftToValidation) {
  const auto pools =
      parse_allocation_pools(Json::parse(R"([{"start": "10.0.0.9", "end": "10.0.0.2"}])"));
  ASSERT_EQ(pools.size(), 1u);
  EXPECT_FALSE(pools[0].valid());
}

TEST(ParsePoolsTest, MalformedShapes) {
  const std::string prefix = "Invalid input for allocation_pools. Reason: ";
  const auto check = [&](const char* body, const std::string& reason) {
    expect_error([&] { parse_allocation_pools(Json::parse(body)); }, 400, "HTTPBadRequest",
                 prefix + reason + ".");
  };
  check(R"("10.0.0.2-10.0.0.9")", "Invalid data format for IP pool: '10.0.0.2-10.0.0.9'");
  check(R"(["x"])", "Invalid input. 'x' must be a dictionary with keys: ['start', 'end']");
  check(R"([{"start": "10.0.0.2"}])",
        "Validation of dictionary's keys failed. Expected keys: {'start', 'end'} Provided keys: "
        "{'start'}");
  check(R"([{"start": "10.0.0.2", "end": "10.0.0.3", "x": 1}])",
        "Validation of dictionary's keys failed. Expected keys: {'start', 'end'} Provided keys: "
        "{'end', 'start', 'x'}");
  check(R"([{}])",
        "Validation of dictionary's keys failed. Expected keys: {'start', 'end'} Provided keys: "
        "set()");
  check(R"([{"start": "10.0.0.300", "end": "10.0.0.3"}])",
        "'10.0.0.300' is not a valid IP address");
  check(R"([{"start": "10.0.0.1", "end": " 10.0.0.3"}])", "' 10.0.0.3' is not a valid IP address");
  check(R"([{"start": 5, "end": "10.0.0.3"}])", "'5' is not a valid IP address");
}

// --- gateway ---

TEST(ValidateGatewayTest, NetworkAndBroadcastAreRefused) {
  for (const char* gw : {"10.0.0.0", "10.0.0.255"}) {
    expect_error([&] { validate_gateway(cidr("10.0.0.0/24"), ip(gw)); }, 400, "InvalidInput",
                 "Invalid input for operation: Gateway is not valid on subnet.");
  }
  EXPECT_NO_THROW(validate_gateway(cidr("10.0.0.0/24"), ip("10.0.0.1")));
  EXPECT_NO_THROW(validate_gateway(cidr("10.0.0.0/24"), ip("10.0.0.254")));
}

TEST(ValidateGatewayTest, OutsideTheCidrIsAllowed) {
  EXPECT_NO_THROW(validate_gateway(cidr("10.0.0.0/24"), ip("192.168.1.1")));
  EXPECT_NO_THROW(validate_gateway(cidr("10.0.0.0/24"), ip("10.0.1.0")));
}

TEST(ValidateGatewayTest, PointToPointHostAndIpv6HaveNoReservedAddresses) {
  EXPECT_NO_THROW(validate_gateway(cidr("10.0.0.4/31"), ip("10.0.0.4")));
  EXPECT_NO_THROW(validate_gateway(cidr("10.0.0.4/31"), ip("10.0.0.5")));
  EXPECT_NO_THROW(validate_gateway(cidr("10.0.0.7/32"), ip("10.0.0.7")));
  EXPECT_NO_THROW(validate_gateway(cidr("2001:db8::/64"), ip("2001:db8::ffff:ffff:ffff:ffff")));
}

TEST(ValidateGatewayTest, WrongVersion) {
  expect_error([] { validate_gateway(cidr("10.0.0.0/24"), ip("2001:db8::1")); }, 400,
               "InvalidInput",
               "Invalid input for operation: gateway_ip '2001:db8::1' does not match the "
               "ip_version '4'.");
  expect_error([] { validate_gateway(cidr("2001:db8::/64"), ip("10.0.0.1")); }, 400, "InvalidInput",
               "Invalid input for operation: gateway_ip '10.0.0.1' does not match the "
               "ip_version '6'.");
}

}  // namespace
}  // namespace neutrino::ipam
