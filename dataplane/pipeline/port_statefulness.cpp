#include "dataplane/pipeline/port_statefulness.hpp"

namespace neutrino::dataplane::pipeline {

bool port_is_stateless(const channel::HostState& state, const Json& port) {
  const auto groups = port.find("security_groups");
  if (groups == port.end() || !groups->is_array()) {
    return false;
  }
  bool any = false;
  for (const auto& group_id : *groups) {
    if (!group_id.is_string()) {
      continue;
    }
    const auto group = state.find("security_group:" + group_id.get<std::string>());
    if (group == state.end() || !group->second.is_object()) {
      continue;  // not pushed (yet): it allows nothing either way
    }
    const auto stateful = group->second.find("stateful");
    if (stateful == group->second.end() || !stateful->is_boolean() || stateful->get<bool>()) {
      return false;
    }
    any = true;
  }
  return any;
}

}  // namespace neutrino::dataplane::pipeline
