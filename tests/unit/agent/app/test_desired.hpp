#pragma once
// A desired state as the reconciler hands it to its parts: the objects as the channel carries
// them, decoded through the model's codecs.
#include "agent/app/desired_state.hpp"
#include "agent/app/state_changes.hpp"
#include "common/channel/host_state.hpp"

namespace neutrino::agent::testing {

class TestDesired {
 public:
  explicit TestDesired(const channel::HostState& objects = {}) {
    for (const auto& entry : objects) {
      model_.apply(entry.first, &entry.second);
    }
  }
  operator DesiredState() const { return {model_}; }  // NOLINT: the point of it
  const model::HostModel& model() const { return model_; }

 private:
  model::HostModel model_;
};

// The delta a snapshot of `state` arrives as.
inline Json snapshot_delta(const channel::HostState& state) {
  Json set = Json::object();
  for (const auto& entry : state) {
    set[entry.first] = entry.second;
  }
  return {{"set", std::move(set)}, {"remove", Json::array()}};
}

// StateChanges naming the objects `changed` ({kind, {ids}}).
inline StateChanges changed(model::ChangedObjects objects, bool interfaces = false) {
  return {.objects = std::move(objects), .interfaces = interfaces};
}

}  // namespace neutrino::agent::testing
