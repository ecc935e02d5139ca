// The choice of a router's gateway host: deterministic, independent of the candidates' order,
// spread over hosts by router, and stable for a router while its host stays a candidate.
#include "controller/fanout/gateway_host.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace neutrino::fanout {
namespace {

TEST(GatewayHostTest, NoCandidateNoHost) {
  EXPECT_EQ(choose_gateway_host("r1", {}), "");
}

TEST(GatewayHostTest, TheSameWhateverTheCandidatesOrder) {
  std::vector<std::string> hosts = {"host-a", "host-b", "host-c", "host-d"};
  const std::string first = choose_gateway_host("r1", hosts);
  std::reverse(hosts.begin(), hosts.end());
  EXPECT_EQ(choose_gateway_host("r1", hosts), first);
  std::rotate(hosts.begin(), hosts.begin() + 1, hosts.end());
  EXPECT_EQ(choose_gateway_host("r1", hosts), first);
}

TEST(GatewayHostTest, RoutersSpreadOverHosts) {
  const std::vector<std::string> hosts = {"host-a", "host-b", "host-c"};
  std::set<std::string> used;
  for (int r = 0; r < 30; ++r) {
    used.insert(choose_gateway_host("router-" + std::to_string(r), hosts));
  }
  EXPECT_EQ(used.size(), hosts.size());
}

TEST(GatewayHostTest, OnlyRoutersOfALostHostMove) {
  const std::vector<std::string> all = {"host-a", "host-b", "host-c"};
  const std::vector<std::string> without_c = {"host-a", "host-b"};
  for (int r = 0; r < 30; ++r) {
    const std::string router = "router-" + std::to_string(r);
    const std::string before = choose_gateway_host(router, all);
    const std::string after = choose_gateway_host(router, without_c);
    EXPECT_TRUE(before == "host-c" || after == before) << router;
    EXPECT_NE(after, "host-c");
  }
}

}  // namespace
}  // namespace neutrino::fanout
