#pragma once
// The match fields that say "this packet is what the rule allows", apart from the port it
// leaves or enters and, for remote-group rules, the peer's address (the conjunction's other
// clause). One rule can need several flows: a port range is several masked matches.
#include <string>
#include <vector>

#include "dataplane/pipeline/firewall_rule.hpp"

namespace neutrino::dataplane::pipeline {

// Each element is the fields of one flow ("tcp", "tp_dst=0x400/0xfc00", "nw_src=10.0.0.0/24").
// Empty when the rule can match nothing (a port range with min > max).
std::vector<std::vector<std::string>> rule_matches(const FirewallRule& rule);

// "ip"/"ipv6": what every flow of this ethertype matches at least.
std::string ethertype_match(Ethertype ethertype);

// The field naming the peer's address: the source going in, the destination going out.
std::string peer_address_field(Direction direction, Ethertype ethertype);

}  // namespace neutrino::dataplane::pipeline
