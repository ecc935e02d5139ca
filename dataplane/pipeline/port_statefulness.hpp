#pragma once
// Whether a port's firewall tracks connections (the stateful-security-group extension).
#include "common/channel/host_state.hpp"

namespace neutrino::dataplane::pipeline {

// True when the "port:" object names at least one group and every one of its pushed
// "security_group:<id>" objects says "stateful": false. Neutron refuses to mix stateful and
// stateless groups on one port; should a state mix them anyway, the port stays stateful (the
// stricter choice: replies then need no rule, but nothing unasked comes in).
bool port_is_stateless(const channel::HostState& state, const Json& port);

}  // namespace neutrino::dataplane::pipeline
