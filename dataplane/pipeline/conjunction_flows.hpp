#pragma once
// Flows whose only actions are conjunction(id,k/n) clauses. Two clauses with the same table,
// priority and match must be one flow listing both (a second flow would replace the first),
// so clauses are gathered here by match and written out once every clause is known.
#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "dataplane/pipeline/flow_set.hpp"

namespace neutrino::dataplane::pipeline {

class ConjunctionFlows {
 public:
  // Adds clause `clause` of `clauses` of conjunction `id` to the flow `flow` (no actions).
  void add(const FlowText& flow, std::uint32_t id, unsigned clause, unsigned clauses);
  void write_to(FlowSet& flows) const;

 private:
  struct Entry {
    FlowText flow;
    std::set<std::string> actions;
  };
  std::map<std::string, Entry> by_key_;
};

}  // namespace neutrino::dataplane::pipeline
