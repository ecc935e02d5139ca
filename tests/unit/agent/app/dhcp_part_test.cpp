// DhcpPart: which networks need a DHCP server here, and the request to the controller that
// says so (sent on change, repeated after the controller connection was re-established).
#include "agent/app/dhcp_part.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/agent/app/ovs_parts_fixture.hpp"
#include "tests/unit/agent/app/test_desired.hpp"
#include "tests/unit/dataplane/pipeline/host_state_builder.hpp"

namespace neutrino::agent::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

channel::HostState two_networks() {
  dataplane::pipeline::HostStateBuilder b;
  b.network("n1", "vxlan", 100)
      .subnet("s1", "n1", "10.0.0.0/24")
      .port("p1", "n1", "fa:16:3e:00:00:01", {"10.0.0.5"})
      .network("n2", "vxlan", 101)
      .subnet("s2", "n2", "10.0.1.0/24")
      .set("subnet:s2", "enable_dhcp", false)
      .port("p2", "n2", "fa:16:3e:00:00:02", {"10.0.1.5"})
      .network("n3", "vxlan", 102)
      .subnet("s3", "n3", "10.0.2.0/24")
      .port("r3", "n3", "fa:16:3e:00:00:03", {"10.0.2.1"}, false, "network:router_interface");
  return b.state();
}

TEST(DhcpPartNetworksTest, OnlyNetworksWithDhcpAndAGuestPortHere) {
  // n2's subnet has DHCP off; n3 has only a router port.
  EXPECT_THAT(DhcpPart::networks_needing_dhcp(testing::TestDesired(two_networks()).model()),
              ElementsAre("n1"));
  EXPECT_THAT(DhcpPart::networks_needing_dhcp(model::HostModel()), IsEmpty());
}

class DhcpPartTest : public OvsPartsTest {};

TEST_F(DhcpPartTest, RequestsPortsOnChangeAndAgainAfterTheControllerReconnected) {
  std::vector<std::vector<std::string>> requests;
  DhcpPart part(config_, io_.io(), *backend_,
                [&](std::vector<std::string> networks) { requests.push_back(networks); });
  PassResults results;
  part.resync(testing::TestDesired(two_networks()), results);
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_THAT(requests[0], ElementsAre("n1"));
  EXPECT_TRUE(results.dhcp_endpoints.empty());  // no DHCP port bound here yet

  part.reconcile(testing::TestDesired(two_networks()),
                 testing::changed({{model::ObjectKind::kPort, {"p2"}}}), results);
  EXPECT_EQ(requests.size(), 1u);  // unchanged: not sent again

  part.controller_reconnected();
  part.reconcile(testing::TestDesired(two_networks()), {}, results);
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_THAT(requests[1], ElementsAre("n1"));

  part.reconcile(testing::TestDesired(), testing::changed({{model::ObjectKind::kPort, {"p1"}}}),
                 results);
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_THAT(requests[2], IsEmpty());
  part.stop();
}

}  // namespace
}  // namespace neutrino::agent::testing
