#pragma once
// Picking compiled flows by table and match fields, as the pipeline tests ask for them.
#include <map>
#include <string>
#include <vector>

#include "tests/unit/dataplane/pipeline/parsed_flow.hpp"

namespace neutrino::dataplane::pipeline {

using FlowFields = std::map<std::string, std::string>;

// The flows of `table` that match every one of `fields`, in their order.
std::vector<ParsedFlow> select_flows(const std::vector<ParsedFlow>& flows, int table,
                                     const FlowFields& fields);
// The one such flow; a test failure (and an empty flow) when there is not exactly one.
ParsedFlow one_flow(const std::vector<ParsedFlow>& flows, int table, const FlowFields& fields);

}  // namespace neutrino::dataplane::pipeline
