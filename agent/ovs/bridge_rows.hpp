#pragma once
// Bridge, Port and Interface rows, as "select" returns them, read into the records of
// bridge_types.hpp. Each needs the columns it reads; throws on a missing column.
#include "agent/ovs/bridge_types.hpp"
#include "common/json.hpp"

namespace neutrino::agent::ovs {

// _uuid, name, datapath_type, fail_mode, protocols, other_config, external_ids.
BridgeInfo bridge_from_row(const Json& row);
// _uuid, name, tag, external_ids; `interfaces` is left empty.
PortInfo port_from_row(const Json& row);
// _uuid, name, type, options, external_ids, ofport, mac_in_use, link_state, error.
InterfaceInfo interface_from_row(const Json& row);

}  // namespace neutrino::agent::ovs
