#include "tests/unit/dataplane/pipeline/test_topology.hpp"

#include "tests/unit/dataplane/pipeline/host_state_builder.hpp"

namespace neutrino::dataplane::pipeline {

TestTopology::TestTopology(std::string integration, std::string tunnel, std::string physnet)
    : integration_bridge(std::move(integration)),
      tunnel_bridge(std::move(tunnel)),
      physnet_bridge(std::move(physnet)) {
  HostStateBuilder b;
  b.network("A", "vxlan", kVniA)
      .network("B", "vxlan", kVniB)
      .network("V", "vlan", kVlanV, "physnet1")
      .network("F", "flat", 0, "physnet1")
      .subnet("sa", "A", "10.0.0.0/24")
      .subnet("sb", "B", "10.0.0.0/24")
      .port("a1", "A", kMacA1, {kIpA1})
      .port("a2", "A", kMacA2, {kIpA2, "2001:db8::12"})
      .port("a3", "A", kMacA3, {kIpA3}, false)
      .port("b1", "B", kMacB1, {kIpB1})
      .port("v1", "V", kMacV1, {kIpV1})
      .port("f1", "F", kMacF1, {kIpF1})
      .remote("ra2", "A", kMacRemoteA2, {kIpRemote}, "h2", kH2)
      .remote("ra4", "A", kMacRemoteA4, {"10.0.0.24"}, "h4", kH4)
      .remote("rb3", "B", kMacRemoteB3, {kIpRemote}, "h3", kH3)
      .remote("rv2", "V", kMacRemoteV2, {"10.1.0.6"}, "h2", kH2)
      .set("port:b1", "allowed_address_pairs",
           Json::array({{{"ip_address", kPairBlockB1}, {"mac_address", kMacB1}},
                        {{"ip_address", "2001:db8:7::/64"}, {"mac_address", kMacB1}}}));
  state = b.state();
}

PipelineInput TestTopology::input() const {
  model = decoded_model(state);
  PipelineInput in;
  in.model = &model;
  in.cookie = kCookie;
  // The topology tests switching and anti-spoofing: no firewall, as with Neutron's noop
  // driver (security_group_flows_test covers firewalls).
  in.security_groups = false;
  in.local_ports = {{"a1", kA1}, {"a2", kA2}, {"a3", kA3}, {"b1", kB1}, {"v1", kV1}, {"f1", kF1}};
  in.local_vlans = {{"A", kLvidA}, {"B", kLvidB}, {"V", kLvidV}, {"F", kLvidF}};
  in.integration_bridge = integration_bridge;
  in.patch_tun = kPatchTun;
  in.tunnel_bridge = tunnel_bridge;
  in.patch_int = kPatchInt;
  in.tunnel_ports = {{kH2, kTunnelH2}, {kH3, kTunnelH3}, {kH4, kTunnelH4}, {kH5, kTunnelH5}};
  in.physnets = {
      {"physnet1", {.bridge = physnet_bridge, .int_patch = kIntPhysnet, .phy_patch = kPhyPatch}}};
  return in;
}

}  // namespace neutrino::dataplane::pipeline
