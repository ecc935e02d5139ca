#include "dataplane/pipeline/arp_reply.hpp"

namespace neutrino::dataplane::pipeline {

FlowText& arp_reply(FlowText& flow, const std::string& mac, const std::string& ip) {
  return flow.action("move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[]")
      .action("set_field:" + mac + "->eth_src")
      .action("set_field:2->arp_op")
      .action("move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[]")
      .action("move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[]")
      .action("set_field:" + mac + "->arp_sha")
      .action("set_field:" + ip + "->arp_spa")
      .action("IN_PORT");
}

}  // namespace neutrino::dataplane::pipeline
