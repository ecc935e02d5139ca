#pragma once
// From the typed desired state and the agent's wiring to the validated networks the flow
// generators compile. Objects that cannot be compiled yet (no lvid, port not plugged, remote
// without tunnel IP) or that are malformed are left out; only an inconsistent choice of the
// agent's own (an lvid out of range or shared by two networks) is an error, since compiling it
// would merge networks.
#include <vector>

#include "dataplane/pipeline/local_network.hpp"
#include "dataplane/pipeline/pipeline_input.hpp"

namespace neutrino::dataplane::pipeline {

// Networks with an lvid and a network object, ordered by lvid; their ports and remotes
// ordered by id. Throws std::invalid_argument for an lvid outside 1..4094 or used twice.
std::vector<LocalNetwork> build_local_networks(const PipelineInput& input);

}  // namespace neutrino::dataplane::pipeline
