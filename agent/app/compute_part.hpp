#pragma once
// Compute: hands the desired state's instances (the host model's, typed) to the compute
// service of an agent started with --compute, which boots and stops guests on its own
// thread. Needs no Open vSwitch, so it runs even while OVS is unreachable.
#include <functional>

#include "agent/app/reconciler_part.hpp"

namespace neutrino::agent {

class ComputePart : public ReconcilerPart {
 public:
  using Instances = model::HostModel::Table<model::Instance>;

  // `set_state` hands the instances over without blocking (ComputeAgent::set_state).
  explicit ComputePart(std::function<void(const Instances&)> set_state)
      : set_state_(std::move(set_state)) {}

  std::string_view name() const override { return "compute"; }
  bool uses_ovs() const override { return false; }
  void reconcile(const DesiredState& desired, const StateChanges& changes,
                 PassResults& /*results*/) override {
    // A pass for a plugged interface alone changes nothing the compute service plans on.
    if (changes.any_object()) {
      // The compute service checks what it needs of each instance itself, with its own faults
      // (agent/compute/desired_instance.cpp).
      set_state_(desired.model.instances());
    }
  }

 private:
  std::function<void(const Instances&)> set_state_;
};

}  // namespace neutrino::agent
