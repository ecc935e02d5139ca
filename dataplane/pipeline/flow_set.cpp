#include "dataplane/pipeline/flow_set.hpp"

#include <algorithm>

namespace neutrino::dataplane::pipeline {

void FlowSet::add(const FlowText& flow) {
  by_key_.emplace(flow.key(), flow.str());
}

std::vector<std::string> FlowSet::flows() const {
  std::vector<std::string> out;
  out.reserve(by_key_.size());
  for (const auto& [key, flow] : by_key_) {
    out.push_back(flow);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace neutrino::dataplane::pipeline
