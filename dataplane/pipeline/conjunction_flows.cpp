#include "dataplane/pipeline/conjunction_flows.hpp"

namespace neutrino::dataplane::pipeline {

void ConjunctionFlows::add(const FlowText& flow, std::uint32_t id, unsigned clause,
                           unsigned clauses) {
  auto it = by_key_.try_emplace(flow.key(), Entry{flow, {}}).first;
  it->second.actions.insert("conjunction(" + std::to_string(id) + "," + std::to_string(clause) +
                            "/" + std::to_string(clauses) + ")");
}

void ConjunctionFlows::write_to(FlowSet& flows) const {
  for (const auto& [key, entry] : by_key_) {
    FlowText flow = entry.flow;
    for (const auto& action : entry.actions) {
      flow.action(action);
    }
    flows.add(flow);
  }
}

}  // namespace neutrino::dataplane::pipeline
