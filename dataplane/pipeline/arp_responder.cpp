#include "dataplane/pipeline/arp_responder.hpp"

#include <string>

#include "dataplane/pipeline/arp_reply.hpp"
#include "dataplane/pipeline/network_match.hpp"
#include "dataplane/pipeline/pipeline_tables.hpp"

namespace neutrino::dataplane::pipeline {
namespace {

using T = IntegrationTables;
constexpr std::uint16_t kOwnAddress = 110;
constexpr std::uint16_t kAnswer = 100;

// A request for `ip` on the network is answered in place with `mac`.
void answer(const LocalNetwork& network, const std::string& ip, const std::string& mac,
            std::uint64_t cookie, FlowSet& flows) {
  flows.add(arp_reply(FlowText(cookie, T::kArpResponder, kAnswer)
                          .match(network_match(network))
                          .match("arp")
                          .match("arp_op=1")
                          .match("arp_tpa=" + ip),
                      mac, ip));
}

}  // namespace

void add_arp_responder_flows(const LocalNetwork& network, std::uint64_t cookie, FlowSet& flows) {
  const std::string lvid = network_match(network);
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
