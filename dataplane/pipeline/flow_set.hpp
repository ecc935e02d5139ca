#pragma once
// The flows of one bridge. Two flows with the same table, priority and match would make the
// result depend on the order the switch received them in (the later replaces the earlier), so
// the first one added wins and later ones are ignored. Generators add in a fixed order (local
// ports before remote ones, each by id), which makes the winner deterministic when the desired
// state is inconsistent (two ports claiming one MAC or IP on a network).
#include <map>
#include <string>
#include <vector>

#include "dataplane/pipeline/flow_text.hpp"

namespace neutrino::dataplane::pipeline {

class FlowSet {
 public:
  void add(const FlowText& flow);
  // Sorted, so that equal inputs give equal outputs whatever the generation order.
  std::vector<std::string> flows() const;

 private:
  std::map<std::string, std::string> by_key_;
};

}  // namespace neutrino::dataplane::pipeline
