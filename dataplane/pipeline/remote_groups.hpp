#pragma once
// Remote-group rules: the member addresses the controller pushes ("remote_group:<id>"
// objects), and one conjunction id per (group, direction, ethertype,
// statefulness). Ids come from a hash of
// that key rather than a counter, so a group appearing or going away does not renumber
// the others' flows; collisions (rare) move to the next free id in a fixed order.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "common/channel/host_state.hpp"
#include "dataplane/pipeline/firewall_rule.hpp"

namespace neutrino::dataplane::pipeline {

struct GroupAddresses {
  std::vector<std::string> ipv4;  // normalised, sorted, unique
  std::vector<std::string> ipv6;
  const std::vector<std::string>& of(Ethertype ethertype) const {
    return ethertype == Ethertype::kIPv4 ? ipv4 : ipv6;
  }
};

// (group, direction, ethertype, stateless): a stateless port's rules need conjunctions of
// their own, whose accepting flow neither matches nor commits conntrack state.
using ConjunctionKey = std::tuple<std::string, Direction, Ethertype, bool>;

class RemoteGroups {
 public:
  // `used`: the (group, direction, ethertype) triples the host's rules refer to.
  RemoteGroups(const channel::HostState& state, const std::set<ConjunctionKey>& used);

  std::uint32_t conjunction_id(const ConjunctionKey& key) const { return ids_.at(key); }
  const std::map<ConjunctionKey, std::uint32_t>& conjunctions() const { return ids_; }
  // Empty for a group the controller did not push.
  const GroupAddresses& addresses(const std::string& group) const;

 private:
  std::map<ConjunctionKey, std::uint32_t> ids_;
  std::map<std::string, GroupAddresses> groups_;
};

}  // namespace neutrino::dataplane::pipeline
