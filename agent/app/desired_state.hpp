#pragma once
// The desired state a reconciler pass works from: the typed model the parts read (the channel's
// JSON is decoded once, as it arrives, and not kept).
#include "common/model/host_model.hpp"

namespace neutrino::agent {

struct DesiredState {
  const model::HostModel& model;
};

}  // namespace neutrino::agent
