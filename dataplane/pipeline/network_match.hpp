#pragma once
// The match on the register that carries a frame's network (its lvid on this host).
#include <string>

#include "dataplane/pipeline/local_network.hpp"
#include "dataplane/pipeline/pipeline_tables.hpp"

namespace neutrino::dataplane::pipeline {

inline std::string network_match(const LocalNetwork& network) {
  return std::string(Registers::kNetwork) + "=" + std::to_string(network.lvid);
}

}  // namespace neutrino::dataplane::pipeline
