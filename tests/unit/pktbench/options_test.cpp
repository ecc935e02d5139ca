#include "pktbench/options.hpp"

#include <gtest/gtest.h>

namespace neutrino::pktbench {
namespace {

TEST(RunOptions, DefaultsToAnRfc2544SearchOverAllSizes) {
  RunOptions o = parse_run_options({"--tx", "eth0@a", "--rx", "eth0@b"});
  EXPECT_TRUE(o.search);
  EXPECT_EQ(o.sizes.size(), 8u);
  EXPECT_EQ(o.sizes.back().label(), "imix");
  EXPECT_EQ(o.driver, "af_packet");
  EXPECT_EQ(o.flow.dst_port, 9);
}

TEST(RunOptions, RateAndAddresses) {
  RunOptions o = parse_run_options({"--tx", "a", "--rx", "b", "--rate", "50000", "--sizes",
                                    "64,imix", "--src-ip", "10.0.0.5", "--dst-mac",
                                    "fa:16:3e:00:00:01", "--count", "100"});
  EXPECT_FALSE(o.search);
  EXPECT_DOUBLE_EQ(o.rate_pps, 50000);
  EXPECT_EQ(o.sizes.size(), 2u);
  EXPECT_EQ(o.flow.src_ip, *parse_ipv4("10.0.0.5"));
  EXPECT_EQ(format_mac(o.flow.dst_mac), "fa:16:3e:00:00:01");
  EXPECT_EQ(o.count, 100u);
}

TEST(RunOptions, RefusesBadInput) {
  EXPECT_THROW(parse_run_options({"--tx", "a"}), std::invalid_argument);
  EXPECT_THROW(parse_run_options({"--tx", "a", "--rx", "b", "--sizes", "32"}),
               std::invalid_argument);
  EXPECT_THROW(parse_run_options({"--tx", "a", "--rx", "b", "--rate", "-1"}),
               std::invalid_argument);
  EXPECT_THROW(parse_run_options({"--tx", "a", "--rx", "b", "--src-ip", "1.2.3"}),
               std::invalid_argument);
  EXPECT_THROW(parse_run_options({"--tx", "a", "--rx", "b", "--bogus", "1"}),
               std::invalid_argument);
  EXPECT_THROW(parse_run_options({"--tx", "a", "--rx"}), std::invalid_argument);
  EXPECT_THROW(parse_run_options({"--tx", "a", "--rx", "b", "--udp-port", "70000"}),
               std::invalid_argument);
  EXPECT_THROW(parse_run_options({"--tx", "a", "--rx", "b", "--loss", "2"}), std::invalid_argument);
  EXPECT_THROW(parse_run_options({"--tx", "a", "--rx", "b", "--duration", "nan"}),
               std::invalid_argument);
}

}  // namespace
}  // namespace neutrino::pktbench
