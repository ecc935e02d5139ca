#pragma once
// The agent's OpenFlow pipeline as a pure function of its input: desired state plus local
// wiring in, every flow of every bridge out (docs/pipeline.md has the tables). The agent dumps
// the flows carrying its cookie, diffs them with canonical() of this output and applies the
// difference in one bundle per bridge.
#include <map>
#include <string>
#include <vector>

#include "dataplane/pipeline/pipeline_input.hpp"

namespace neutrino::dataplane::pipeline {

// Bridge name -> its flows in ovs-ofctl syntax, sorted. Every bridge the input names is
// present, with an empty list only if it should have no flows of ours at all.
using BridgeFlows = std::map<std::string, std::vector<std::string>>;

class PipelineCompiler {
 public:
  // The flows for the integration bridge, the tunnel bridge (unless its name is empty) and
  // each physnet bridge. Deterministic: equal inputs give equal outputs. Throws
  // std::invalid_argument when the lvids are inconsistent (out of 1..4094, or shared).
  static BridgeFlows compile(const PipelineInput& input);
  // The same flows as OpenFlowConnection::dump_flows() reports them once installed
  // (FlowCodec::canonical), sorted, for a textual diff with what a bridge holds.
  static BridgeFlows canonical(const BridgeFlows& flows);
  static BridgeFlows compile_canonical(const PipelineInput& input);
};

}  // namespace neutrino::dataplane::pipeline
