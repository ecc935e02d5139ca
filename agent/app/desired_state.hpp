#pragma once
// The desired state a reconciler pass works from: the typed model the parts read, and the
// same objects as the channel carried them, for the flows part until the pipeline compiler
// reads the model too.
#include "common/channel/host_state.hpp"
#include "common/model/host_model.hpp"

namespace neutrino::agent {

struct DesiredState {
  const model::HostModel& model;
  const channel::HostState& objects;
};

}  // namespace neutrino::agent
