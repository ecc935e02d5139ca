#include "dataplane/pipeline/port_statefulness.hpp"

namespace neutrino::dataplane::pipeline {

bool port_is_stateless(const model::HostModel& model, const model::Port& port) {
  bool any = false;
  for (const auto& group_id : port.security_groups) {
    const model::SecurityGroup* group = model.security_group(group_id);
    if (group == nullptr) {
      continue;  // not pushed (yet): it allows nothing either way
    }
    if (group->stateful) {
      return false;
    }
    any = true;
  }
  return any;
}

}  // namespace neutrino::dataplane::pipeline
