#pragma once
// Reads the scheduler's view of every compute host from the store: compute_nodes (what each
// agent reported in its hello), services (enabled, forced down), the agents' heartbeats (up)
// and the flavors of the instances placed on each host (usage).
//
// Called inside the write transaction that also inserts the instances it places: the store
// serialises writers (SQLite's BEGIN IMMEDIATE behind one mutex), so two concurrent creates
// can never both see the same free capacity. A backend that allows concurrent writers must
// lock the compute_nodes rows here (SELECT ... FOR UPDATE) to keep that guarantee.
#include <cstdint>
#include <vector>

#include "controller/scheduler/host_state.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::scheduler {

// Hosts ordered by name. `down_time_seconds`: heartbeats older than this mean down.
std::vector<HostState> load_host_states(store::SqlSession& s, int64_t down_time_seconds);

}  // namespace neutrino::scheduler
