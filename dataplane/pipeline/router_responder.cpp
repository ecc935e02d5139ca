#include "dataplane/pipeline/router_responder.hpp"

#include <string>

#include "dataplane/pipeline/arp_reply.hpp"
#include "dataplane/pipeline/network_match.hpp"
#include "dataplane/pipeline/pipeline_tables.hpp"

namespace neutrino::dataplane::pipeline {
namespace {

using T = IntegrationTables;
// As the ARP responder's answers for ports: a port's own answer, added first, wins a clash.
constexpr std::uint16_t kAnswer = 100;

void answer_arp(const RouterLeg& leg, std::uint64_t cookie, FlowSet& flows) {
  flows.add(arp_reply(FlowText(cookie, T::kArpResponder, kAnswer)
                          .match(network_match(*leg.network))
                          .match("arp")
                          .match("arp_op=1")
                          .match("arp_tpa=" + leg.ip),
                      leg.mac, leg.ip));
}

// The request becomes the reply in place: addresses swapped, type 0 (echo reply), a fresh TTL,
// back out of the port it came in on. The payload and identifier stay, as an echo needs.
void answer_echo(const RouterLeg& via, const RouterLeg& target, std::uint64_t cookie,
                 FlowSet& flows) {
  flows.add(FlowText(cookie, T::kArpResponder, kAnswer)
                .match(network_match(*via.network))
                .match("icmp")
                .match("icmp_type=8")
                .match("icmp_code=0")
                .match("dl_dst=" + via.mac)
                .match("nw_dst=" + target.ip)
                .action("move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[]")
                .action("set_field:" + via.mac + "->eth_src")
                .action("move:NXM_OF_IP_SRC[]->NXM_OF_IP_DST[]")
                .action("set_field:" + target.ip + "->ip_src")
                .action("set_field:255->nw_ttl")
                .action("set_field:0->icmp_type")
                .action("IN_PORT"));
}

}  // namespace

void add_router_responder_flows(const std::vector<LocalRouter>& routers, std::uint64_t cookie,
                                FlowSet& flows) {
  for (const auto& router : routers) {
    for (const auto& via : router.legs) {
      if (via.network->ports.empty()) {
        continue;  // nobody here to answer: a network held only to route to it
      }
      answer_arp(via, cookie, flows);
      for (const auto& target : router.legs) {
        answer_echo(via, target, cookie, flows);
      }
    }
  }
}

}  // namespace neutrino::dataplane::pipeline
