#include "dataplane/pipeline/security_group_flows.hpp"

#include <set>
#include <string>

#include "dataplane/pipeline/conjunction_flows.hpp"
#include "dataplane/pipeline/pipeline_tables.hpp"
#include "dataplane/pipeline/remote_groups.hpp"
#include "dataplane/pipeline/rule_matches.hpp"

namespace neutrino::dataplane::pipeline {
namespace {

using T = IntegrationTables;
constexpr std::uint16_t kNeverTracked = 110;  // DHCP and neighbour discovery, as Neutron
constexpr std::uint16_t kTrack = 100;
// A stateless port's IP traffic skips conntrack: above the shared ingress kTrack flow, below
// what is never tracked (DHCP, neighbour discovery).
constexpr std::uint16_t kUntracked = 105;
constexpr std::uint16_t kInvalid = 100;
constexpr std::uint16_t kEstablished = 90;
constexpr std::uint16_t kRule = 70;
// One priority for every clause of every conjunction: OVS wants a conjunction's clauses at one.
constexpr std::uint16_t kClause = 60;

constexpr const char* kNewConnection = "ct_state=+new-est+trk";
// ICMPv6 that must flow whatever the rules say: MLD (130-132, 143), router solicitation out
// and advertisement in (133/134), neighbour solicitation/advertisement (135/136). Port
// security has already vetted what a guest sends.
constexpr int kEgressIcmpV6[] = {130, 131, 132, 133, 135, 136, 143};
constexpr int kIngressIcmpV6[] = {130, 131, 132, 134, 135, 136, 143};

std::string of(std::uint32_t ofport) {
  return std::to_string(ofport);
}

std::string commit() {
  return std::string("ct(commit,zone=") + Registers::kZone + ")";
}

// The tables and actions of one direction.
struct Side {
  Direction direction;
  std::uint8_t conntrack_table;
  std::uint8_t rules_table;
  std::string port_field;  // "in_port" going out, reg5 coming in
  std::string accept(std::uint32_t ofport) const {
    return direction == Direction::kEgress ? "goto_table:" + std::to_string(T::kForwarding)
                                           : "output:" + of(ofport);
  }
  std::string accept_any() const {  // for flows not tied to one port
    return direction == Direction::kEgress ? "goto_table:" + std::to_string(T::kForwarding)
                                           : std::string("output:NXM_NX_REG5[]");
  }
};

const Side kEgress{Direction::kEgress, T::kEgressConntrack, T::kEgressRules, "in_port"};
const Side kIngress{Direction::kIngress, T::kIngressConntrack, T::kIngressRules,
                    Registers::kDestination};

FlowText port_flow(const Side& side, std::uint64_t cookie, std::uint8_t table,
                   std::uint16_t priority, std::uint32_t ofport) {
  FlowText flow(cookie, table, priority);
  flow.match(side.port_field + "=" + of(ofport));
  return flow;
}

std::string track(const Side& side) {
  return std::string("ct(table=") + std::to_string(side.rules_table) + ",zone=" + Registers::kZone +
         ")";
}

// Egress, per firewalled port: its IP traffic into conntrack. A guest is a DHCP client, never
// a server: its DHCP replies are dropped (the DHCP port, not firewalled, sends them).
// A stateless port's IP traffic goes to the rules untracked, both ways.
void egress_port_flows(const LocalPort& port, std::uint64_t cookie, FlowSet& flows) {
  for (const auto* server_reply : {"udp,tp_src=67,tp_dst=68", "udp6,tp_src=547,tp_dst=546"}) {
    flows.add(port_flow(kEgress, cookie, T::kEgressConntrack, kNeverTracked, port.ofport)
                  .match(server_reply));
  }
  for (const auto* ethertype : {"ip", "ipv6"}) {
    if (port.stateless) {
      flows.add(port_flow(kEgress, cookie, T::kEgressConntrack, kUntracked, port.ofport)
                    .match(ethertype)
                    .action("goto_table:" + std::to_string(T::kEgressRules)));
      // A frame from a local stateful port was tracked on its way out: ct_clear, or the
      // established-connection flows would let a reply in that no rule allows.
      flows.add(port_flow(kIngress, cookie, T::kIngressConntrack, kUntracked, port.ofport)
                    .match(ethertype)
                    .action("ct_clear")
                    .action("goto_table:" + std::to_string(T::kIngressRules)));
    } else {
      flows.add(port_flow(kEgress, cookie, T::kEgressConntrack, kTrack, port.ofport)
                    .match(ethertype)
                    .action(track(kEgress)));
    }
  }
}

// Flows shared by every port. Table 30 sees traffic of all local ports (non-firewalled ones
// go on to forwarding anyway) and table 50 only frames for firewalled ports (reg5 set), so
// neither needs a flow per port for what passes untracked: DHCP requests out and replies in
// (a reply to a broadcast is no reply to conntrack) and neighbour discovery.
void shared_conntrack_flows(std::uint64_t cookie, FlowSet& flows) {
  const auto pass = [&](const Side& side, const std::string& fields) {
    flows.add(FlowText(cookie, side.conntrack_table, kNeverTracked)
                  .match(fields)
                  .action(side.accept_any()));
  };
  pass(kEgress, "udp,tp_src=68,tp_dst=67");
  pass(kEgress, "udp6,tp_src=546,tp_dst=547");
  pass(kIngress, "udp,tp_src=67,tp_dst=68");
  pass(kIngress, "udp6,tp_src=547,tp_dst=546");
  for (const int type : kEgressIcmpV6) {
    pass(kEgress, "icmp6,icmp_type=" + std::to_string(type));
  }
  for (const int type : kIngressIcmpV6) {
    pass(kIngress, "icmp6,icmp_type=" + std::to_string(type));
  }
  for (const auto* ethertype : {"ip", "ipv6"}) {
    flows.add(
        FlowText(cookie, T::kIngressConntrack, kTrack).match(ethertype).action(track(kIngress)));
  }
  flows.add(FlowText(cookie, T::kEgressConntrack, 0)
                .action("goto_table:" + std::to_string(T::kForwarding)));
  // ARP and other non-IP frames for the port.
  flows.add(FlowText(cookie, T::kIngressConntrack, 0).action(kIngress.accept_any()));
}

// What does not depend on the port: invalid, established and related packets.
void state_flows(const Side& side, std::uint64_t cookie, FlowSet& flows) {
  flows.add(FlowText(cookie, side.rules_table, kInvalid).match("ct_state=+inv+trk"));
  for (const auto* state : {"ct_state=+est-new+trk", "ct_state=+rel-new+trk"}) {
    flows.add(
        FlowText(cookie, side.rules_table, kEstablished).match(state).action(side.accept_any()));
  }
  flows.add(FlowText(cookie, side.rules_table, 0));
}

void rule_flows(const Side& side, const LocalPort& port, const RemoteGroups& groups,
                std::uint64_t cookie, FlowSet& flows, ConjunctionFlows& clauses) {
  for (const auto& rule : *port.firewall) {
    if (rule.direction != side.direction) {
      continue;
    }
    const auto remote = conjunction_remote(rule);
    for (const auto& fields : rule_matches(rule)) {
      FlowText flow =
          port_flow(side, cookie, side.rules_table, remote ? kClause : kRule, port.ofport);
      if (!port.stateless) {
        flow.match(kNewConnection);
      }
      for (const auto& field : fields) {
        flow.match(field);
      }
      if (remote) {
        const auto id =
            groups.conjunction_id({*remote, rule.direction, rule.ethertype, port.stateless});
        clauses.add(flow, id, 2, 2);
      } else if (port.stateless) {
        flows.add(flow.action(side.accept(port.ofport)));
      } else {
        flows.add(flow.action(commit()).action(side.accept(port.ofport)));
      }
    }
  }
}

// Per (remote, direction, ethertype): clause 1 is "the peer is in the remote set", one flow per
// member address or address group CIDR; clause 2 (rule_flows) is "this port allows this
// traffic from that set". Flows grow with addresses + ports x rules, not their product.
void remote_group_flows(const RemoteGroups& groups, std::uint64_t cookie, FlowSet& flows,
                        ConjunctionFlows& clauses) {
  for (const auto& [key, id] : groups.conjunctions()) {
    const auto& [group, direction, ethertype, stateless] = key;
    const Side& side = direction == Direction::kEgress ? kEgress : kIngress;
    for (const auto& address : groups.addresses(group).of(ethertype)) {
      clauses.add(FlowText(cookie, side.rules_table, kClause)
                      .match(ethertype_match(ethertype))
                      .match(peer_address_field(direction, ethertype) + "=" + address),
                  id, 1, 2);
    }
    FlowText accept(cookie, side.rules_table, kRule);
    accept.match("conj_id=" + std::to_string(id));
    if (stateless) {
      accept.match(ethertype_match(ethertype));
    } else {
      accept.match(kNewConnection).match(ethertype_match(ethertype)).action(commit());
    }
    flows.add(accept.action(side.accept_any()));
  }
}

}  // namespace

void add_security_group_flows(const std::vector<LocalNetwork>& networks,
                              const model::HostModel& model, std::uint64_t cookie, FlowSet& flows) {
  std::set<ConjunctionKey> used;
  for (const auto& network : networks) {
    for (const auto& port : network.ports) {
      for (const auto& rule : port.firewall ? *port.firewall : std::vector<FirewallRule>{}) {
        if (const auto remote = conjunction_remote(rule)) {
          used.insert({*remote, rule.direction, rule.ethertype, port.stateless});
        }
      }
    }
  }
  const RemoteGroups groups(model, used);
  ConjunctionFlows clauses;
  for (const auto& network : networks) {
    for (const auto& port : network.ports) {
      if (!port.firewall) {
        continue;
      }
      egress_port_flows(port, cookie, flows);
      for (const Side* side : {&kEgress, &kIngress}) {
        rule_flows(*side, port, groups, cookie, flows, clauses);
      }
    }
  }
  remote_group_flows(groups, cookie, flows, clauses);
  clauses.write_to(flows);
  for (const Side* side : {&kEgress, &kIngress}) {
    state_flows(*side, cookie, flows);
  }
  shared_conntrack_flows(cookie, flows);
}

}  // namespace neutrino::dataplane::pipeline
