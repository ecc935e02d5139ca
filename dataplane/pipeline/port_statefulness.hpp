#pragma once
// Whether a port's firewall tracks connections (the stateful-security-group extension).
#include "common/model/host_model.hpp"

namespace neutrino::dataplane::pipeline {

// True when the port names at least one group and every one of them the state holds says
// stateful=false. Neutron refuses to mix stateful and stateless groups on one port; should a
// state mix them anyway, the port stays stateful (the stricter choice: replies then need no
// rule, but nothing unasked comes in).
bool port_is_stateless(const model::HostModel& model, const model::Port& port);

}  // namespace neutrino::dataplane::pipeline
