#include "dataplane/pipeline/arp_responder.hpp"

#include <string>

#include "dataplane/pipeline/pipeline_tables.hpp"

namespace neutrino::dataplane::pipeline {
namespace {

using T = IntegrationTables;
constexpr std::uint16_t kOwnAddress = 110;
constexpr std::uint16_t kAnswer = 100;

// The classic OVS responder: the request becomes the reply and goes back out of the port it
// came in on.
void answer(const LocalNetwork& network, const std::string& ip, const std::string& mac,
            std::uint64_t cookie, FlowSet& flows) {
  flows.add(FlowText(cookie, T::kArpResponder, kAnswer)
                .match(std::string(Registers::kNetwork) + "=" + std::to_string(network.lvid))
                .match("arp")
                .match("arp_op=1")
                .match("arp_tpa=" + ip)
                .action("move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[]")
                .action("set_field:" + mac + "->eth_src")
                .action("set_field:2->arp_op")
                .action("move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[]")
                .action("move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[]")
                .action("set_field:" + mac + "->arp_sha")
                .action("set_field:" + ip + "->arp_spa")
                .action("IN_PORT"));
}

}  // namespace

void add_arp_responder_flows(const LocalNetwork& network, std::uint64_t cookie, FlowSet& flows) {
  const std::string lvid = std::string(Registers::kNetwork) + "=" + std::to_string(network.lvid);
  for (const auto& port : network.ports) {
    for (const auto& ip : port.ipv4) {
      // A port asking for its own address (gratuitous ARP, an RFC 5227 probe) must not get an
      // answer: it would take it for an address conflict. Its request goes on as a broadcast.
      flows.add(FlowText(cookie, T::kArpResponder, kOwnAddress)
                    .match(lvid)
                    .match("in_port=" + std::to_string(port.ofport))
                    .match("arp")
                    .match("arp_op=1")
                    .match("arp_tpa=" + ip)
                    .action("goto_table:" + std::to_string(T::kEgressConntrack)));
      answer(network, ip, port.mac, cookie, flows);
    }
  }
  for (const auto& remote : network.remotes) {
    for (const auto& ip : remote.ipv4) {
      answer(network, ip, remote.mac, cookie, flows);
    }
  }
}

}  // namespace neutrino::dataplane::pipeline
