#include "dataplane/pipeline/physnet_bridge.hpp"

#include "dataplane/pipeline/pipeline_tables.hpp"

namespace neutrino::dataplane::pipeline {
namespace {

using T = PhysnetTables;
constexpr std::uint16_t kClassified = 100;
constexpr std::uint16_t kTranslated = 100;

std::string go(std::uint8_t table) {
  return "goto_table:" + std::to_string(table);
}

}  // namespace

FlowSet compile_physnet_bridge(const std::vector<LocalNetwork>& networks,
                               const std::string& physnet, const PhysnetWiring& wiring,
                               std::uint64_t cookie) {
  FlowSet flows;
  // Two tables, one per direction: a VID is an lvid on one side and a segmentation id on the
  // other, and the same number can be both (lvid 100 of one network, VLAN 100 of another).
  if (wiring.phy_patch) {
    const std::string phy = std::to_string(*wiring.phy_patch);
    flows.add(FlowText(cookie, T::kClassify, kClassified)
                  .match("in_port=" + phy)
                  .action(go(T::kToPhysical)));
    flows.add(FlowText(cookie, T::kClassify, 0).action(go(T::kFromPhysical)));
    for (const auto& network : networks) {
      const bool vlan = network.type == NetworkType::kVlan && network.segmentation_id;
      if (network.physical_network != physnet || (!vlan && network.type != NetworkType::kFlat)) {
        continue;
      }
      FlowText out(cookie, T::kToPhysical, kTranslated);
      FlowText in(cookie, T::kFromPhysical, kTranslated);
      out.match("dl_vlan=" + std::to_string(network.lvid));
      if (vlan) {
        out.action(vlan_vid(*network.segmentation_id));
        in.match("dl_vlan=" + std::to_string(*network.segmentation_id))
            .action(vlan_vid(network.lvid));
      } else {
        out.action("pop_vlan");
        in.match("vlan_tci=0x0000/0x1fff")
            .action("push_vlan:0x8100")
            .action(vlan_vid(network.lvid));
      }
      // The physical side is a learning switch of its own; NORMAL never sends a frame back
      // out of phy-<physnet>, where it came from.
      flows.add(out.action("NORMAL"));
      flows.add(in.action("output:" + phy));
    }
  } else {
    flows.add(FlowText(cookie, T::kClassify, 0));
  }
  for (const auto table : {T::kToPhysical, T::kFromPhysical}) {
    flows.add(FlowText(cookie, table, 0));
  }
  return flows;
}

}  // namespace neutrino::dataplane::pipeline
