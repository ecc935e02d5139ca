#pragma once
// Compute: hands the desired state (its "instance:" objects and their ports) to the compute
// service of an agent started with --compute, which boots and stops guests on its own
// thread. Needs no Open vSwitch, so it runs even while OVS is unreachable.
#include "agent/app/reconciler_part.hpp"
#include "agent/compute/compute_agent.hpp"

namespace neutrino::agent {

class ComputePart : public ReconcilerPart {
 public:
  explicit ComputePart(ComputeAgent& compute) : compute_(compute) {}

  std::string_view name() const override { return "compute"; }
  bool uses_ovs() const override { return false; }
  void apply(const channel::HostState& desired, const StateChanges& changes,
             PassResults& /*results*/) override {
    if (changes.full || !changes.keys.empty()) {
      compute_.set_state(desired);
    }
  }

 private:
  ComputeAgent& compute_;
};

}  // namespace neutrino::agent
