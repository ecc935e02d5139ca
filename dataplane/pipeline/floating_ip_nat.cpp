#include "dataplane/pipeline/floating_ip_nat.hpp"

#include <string>

#include "dataplane/pipeline/external_link.hpp"
#include "dataplane/pipeline/network_match.hpp"
#include "dataplane/pipeline/pipeline_tables.hpp"
#include "dataplane/pipeline/routed_delivery.hpp"

namespace neutrino::dataplane::pipeline {
namespace {

using T = IntegrationTables;
constexpr std::uint16_t kNat = 100;
// In kRouting, below the east-west routes and the router's own subnets, above source NAT.
constexpr std::uint16_t kOutside = 50;

std::string zone(const LocalFloatingIp& fip) {
  return "zone=" + std::to_string(fip.floating.network->lvid);
}

// Into the port's network at once: its lvid and the fixed address identify the port after
// DNAT, even where another router's floating IP maps to the same fixed address.
void from_outside(const LocalFloatingIp& fip, std::uint64_t cookie, FlowSet& flows) {
  add_external_arp_flows(fip.floating, cookie, flows);
  add_external_inbound_flows(
      fip.floating,
      {set_register(Registers::kNetwork, fip.leg->network->lvid),
       set_register(Registers::kFromRemote, 1),
       "ct(" + zone(fip) + ",nat,table=" + std::to_string(T::kFloatingIn) + ")"},
      cookie, flows);
}

void into_port(const LocalFloatingIp& fip, std::uint64_t cookie, FlowSet& flows) {
  const auto network = network_match(*fip.leg->network);
  flows.add(FlowText(cookie, T::kFloatingIn, kNat)
                .match(network)
                .match("ct_state=+new+trk")
                .match("ip")
                .match("nw_dst=" + fip.floating.ip)
                .action("ct(commit," + zone(fip) + ",nat(dst=" + fip.fixed_ip +
                        "),table=" + std::to_string(T::kFloatingIn) + ")"));
  FlowText deliver(cookie, T::kFloatingIn, kNat);
  deliver.match(network)
      .match("ct_state=-inv+trk")
      .match("ip")
      .match("nw_dst=" + fip.fixed_ip)
      .action("dec_ttl")
      .action("set_field:" + fip.leg->mac + "->eth_src")
      .action("set_field:" + fip.port->mac + "->eth_dst");
  flows.add(deliver_to_local(deliver, *fip.port));
}

void out_of_port(const LocalFloatingIp& fip, std::uint64_t cookie, FlowSet& flows) {
  const auto network = network_match(*fip.leg->network);
  add_own_subnet_drops(*fip.router, *fip.leg->network, cookie, flows);
  flows.add(FlowText(cookie, T::kRouting, kOutside)
                .match(network)
                .match("dl_dst=" + fip.leg->mac)
                .match("ip")
                .match("nw_src=" + fip.fixed_ip)
                .action("ct(" + zone(fip) + ",nat,table=" + std::to_string(T::kFloatingOut) + ")"));
  flows.add(FlowText(cookie, T::kFloatingOut, kNat)
                .match(network)
                .match("ct_state=+new+trk")
                .match("ip")
                .match("nw_src=" + fip.fixed_ip)
                .action("ct(commit," + zone(fip) + ",nat(src=" + fip.floating.ip +
                        "),table=" + std::to_string(T::kFloatingOut) + ")"));
  FlowText out(cookie, T::kFloatingOut, kNat);
  out.match(network).match("ct_state=-inv+trk").match("ip").match("nw_src=" + fip.floating.ip);
  flows.add(send_out_from(out, fip.floating));
}

}  // namespace

void add_floating_ip_flows(const std::vector<LocalFloatingIp>& fips, const PipelineInput& input,
                           FlowSet& flows) {
  const auto cookie = input.cookie;
  for (const auto& fip : fips) {
    from_outside(fip, cookie, flows);
    into_port(fip, cookie, flows);
    out_of_port(fip, cookie, flows);
    add_next_hop_flows(fip.floating, cookie, flows);
  }
  if (!fips.empty()) {
    add_nat_table_defaults(T::kFloatingIn, T::kFloatingOut, cookie, flows);
  }
}

}  // namespace neutrino::dataplane::pipeline
