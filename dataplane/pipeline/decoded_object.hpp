#pragma once
// One typed object of the desired state by key, or nullopt when absent or malformed: only what
// needs a malformed object is left out of the pipeline.
#include <optional>
#include <string>

#include "common/channel/host_state.hpp"

namespace neutrino::dataplane::pipeline {

template <typename T>
std::optional<T> decoded_object(const channel::HostState& state, const std::string& key) {
  const auto it = state.find(key);
  if (it == state.end()) {
    return std::nullopt;
  }
  try {
    return it->second.get<T>();
  } catch (const Json::exception&) {
    return std::nullopt;
  }
}

}  // namespace neutrino::dataplane::pipeline
