#include "tests/unit/dataplane/pipeline/flow_selection.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace neutrino::dataplane::pipeline {

std::vector<ParsedFlow> select_flows(const std::vector<ParsedFlow>& flows, int table,
                                     const FlowFields& fields) {
  std::vector<ParsedFlow> out;
  for (const auto& f : flows) {
    if (f.table == table && std::all_of(fields.begin(), fields.end(), [&](const auto& kv) {
          return f.matches(kv.first, kv.second);
        })) {
      out.push_back(f);
    }
  }
  return out;
}

ParsedFlow one_flow(const std::vector<ParsedFlow>& flows, int table, const FlowFields& fields) {
  const auto found = select_flows(flows, table, fields);
  EXPECT_EQ(found.size(), 1u) << "table " << table;
  return found.empty() ? ParsedFlow{} : found.front();
}

}  // namespace neutrino::dataplane::pipeline
