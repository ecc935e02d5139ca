#pragma once
// Rules with a remote set of addresses: a remote group (its members' addresses) or an address
// group (its CIDRs), and one conjunction id per (remote, direction, ethertype, statefulness).
// Ids come from a hash of that key rather than a counter, so a group appearing or going away
// does not renumber the others' flows; collisions (rare) move to the next free id in a fixed
// order.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "common/model/host_model.hpp"
#include "dataplane/pipeline/firewall_rule.hpp"

namespace neutrino::dataplane::pipeline {

struct GroupAddresses {
  std::vector<std::string> ipv4;  // normalised, sorted, unique
  std::vector<std::string> ipv6;
  const std::vector<std::string>& of(Ethertype ethertype) const {
    return ethertype == Ethertype::kIPv4 ? ipv4 : ipv6;
  }
};

// (remote, direction, ethertype, stateless): a stateless port's rules need conjunctions of
// their own, whose accepting flow neither matches nor commits conntrack state. The remote is
// a remote group's id, or "address_group:<id>" (ids are UUIDs: the two never meet).
using ConjunctionKey = std::tuple<std::string, Direction, Ethertype, bool>;

// The remote of a rule's ConjunctionKey; nullopt for a rule matched without a conjunction.
std::optional<std::string> conjunction_remote(const FirewallRule& rule);

class RemoteGroups {
 public:
  // `used`: the (group, direction, ethertype) triples the host's rules refer to.
  RemoteGroups(const model::HostModel& model, const std::set<ConjunctionKey>& used);

  std::uint32_t conjunction_id(const ConjunctionKey& key) const { return ids_.at(key); }
  const std::map<ConjunctionKey, std::uint32_t>& conjunctions() const { return ids_; }
  // Of a ConjunctionKey's remote; empty for one the controller did not push.
  const GroupAddresses& addresses(const std::string& remote) const;

 private:
  std::map<ConjunctionKey, std::uint32_t> ids_;
  std::map<std::string, GroupAddresses> groups_;
};

}  // namespace neutrino::dataplane::pipeline
