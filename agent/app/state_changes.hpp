#pragma once
// What moved in the desired state and on the switch since the reconciler's previous pass.
#include "common/model/host_model.hpp"

namespace neutrino::agent {

// What moved since the previous pass, so a part can skip work nothing asked for.
struct StateChanges {
  // Objects of the desired state set, changed or removed since the previous successful pass.
  model::ChangedObjects objects;
  // Guest interfaces appeared, changed or went on the switch.
  bool interfaces = false;
  // Everything is to be checked: the first pass, a new OVS connection, a retry after failure.
  bool full = false;

  // True when an object of `kind` changed, or on a full pass.
  bool touches(model::ObjectKind kind) const { return full || objects.contains(kind); }
  // True when any object changed, or on a full pass.
  bool any_object() const { return full || !objects.empty(); }
  // Adds what a later delta changed.
  void add(const model::ChangedObjects& changed);
  static StateChanges everything() { return {.objects = {}, .interfaces = true, .full = true}; }
};

}  // namespace neutrino::agent
