#include "common/channel/host_state.hpp"

namespace neutrino::channel {

Json diff_host_state(const HostState& before, const HostState& after) {
  Json set = Json::object();
  Json remove = Json::array();
  for (const auto& [key, object] : after) {
    const auto it = before.find(key);
    if (it == before.end() || it->second != object) {
      set[key] = object;
    }
  }
  for (const auto& [key, object] : before) {
    if (!after.contains(key)) {
      remove.push_back(key);
    }
  }
  return {{"set", set}, {"remove", remove}};
}

void apply_host_delta(HostState& state, const Json& delta) {
  for (const auto& [key, object] : delta.at("set").items()) {
    state[key] = object;
  }
  for (const auto& key : delta.at("remove")) {
    state.erase(key.get<std::string>());
  }
}

bool delta_is_empty(const Json& delta) {
  return delta.at("set").empty() && delta.at("remove").empty();
}

}  // namespace neutrino::channel
