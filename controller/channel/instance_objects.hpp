#pragma once
// The "instance:<uuid>" objects of a host's desired state (compute contract section 2): every
// instance placed on the host that is not being deleted, with what its agent needs to run it:
// sizes, the image (and kernel/ramdisk) to fetch, its ports in boot order, the power the user
// asked for and the reboot counter.
#include <string>

#include "common/channel/host_state.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::channel {

void add_instances(store::SqlSession& s, const std::string& host, HostState& state);

}  // namespace neutrino::channel
