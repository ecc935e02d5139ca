#pragma once
// The version of the desired-state objects on the push channel (common/model/*.hpp): sent as
// "schema" in every snapshot and delta. 2: typed objects with one codec each, revisions are
// change-journal seqs and resume a reconnecting agent. 3: routers ("router:<id>") and floating
// IPs ("floatingip:<id>"), which agents before the L3 pipeline accept and ignore. 4: rules'
// remote_address_group_id and the address groups they name ("address_group:<id>"). 5: floating
// IPs' mac_address (older agents ignore it), and hosts holding a router also hold its
// gateway's network; instances' reboot_type ("SOFT" or "HARD", the kind of their latest
// reboot) and start_count (the starts asked for), without which an instance no longer decodes.
// 6: a router gateway's host and its tunnel IP, which also holds the router (older agents ignore
// the member; newer ones read "" when it is absent).
namespace neutrino {

inline constexpr int kWireSchemaVersion = 6;

}  // namespace neutrino
