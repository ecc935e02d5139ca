#include "agent/app/compute_part.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "tests/unit/agent/app/test_desired.hpp"

namespace neutrino::agent {
namespace {

TEST(ComputePartTest, HandsOverTheInstancesWhenTheStateChangedOrOnAFullPassOnly) {
  std::vector<ComputePart::Instances> handed;
  ComputePart part([&](const ComputePart::Instances& instances) { handed.push_back(instances); });
  EXPECT_FALSE(part.uses_ovs());  // runs while OVS is down
  model::Instance instance;
  instance.id = "i1";
  instance.name = "instance-00000001";
  instance.power = "running";
  // The part hands over the model's instances: one that does not decode is not among them.
  const testing::TestDesired desired(
      {{"instance:i1", Json(instance)}, {"instance:undecodable", {{"id", "undecodable"}}}});
  PassResults results;

  part.reconcile(desired, {.interfaces = true}, results);  // a tap plugged: nothing to plan
  EXPECT_TRUE(handed.empty());

  part.reconcile(desired, testing::changed({{model::ObjectKind::kInstance, {"i1"}}}), results);
  part.resync(desired, results);
  ASSERT_EQ(handed.size(), 2u);
  EXPECT_EQ(handed[1], (ComputePart::Instances{{"i1", instance}}));
}

}  // namespace
}  // namespace neutrino::agent
