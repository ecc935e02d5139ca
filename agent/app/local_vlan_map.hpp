#pragma once
// Local VLAN ids (lvids): the tag a network's frames carry between br-int and br-tun or a
// physnet bridge on this host. They are the agent's own choice, so they are kept in the state
// directory: a restarted agent computes the very same flows and changes nothing on the
// switch, which is what lets established traffic flow through an agent restart untouched.
#include <map>
#include <set>
#include <string>

namespace neutrino::agent {

class LocalVlanMap {
 public:
  // Loads `path` if it exists (a missing or unreadable file starts empty).
  explicit LocalVlanMap(std::string path);

  // Gives every network in `networks` an lvid (keeping the ones it has), forgets networks no
  // longer present, saves when anything changed, and returns the map. Throws
  // std::runtime_error when all 4094 ids are in use.
  const std::map<std::string, int>& update(const std::set<std::string>& networks);
  const std::map<std::string, int>& current() const { return lvids_; }

 private:
  void save() const;

  std::string path_;
  std::map<std::string, int> lvids_;
};

}  // namespace neutrino::agent
