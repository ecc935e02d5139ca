#include "agent/app/compute_part.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "tests/unit/agent/app/test_desired.hpp"

namespace neutrino::agent {
namespace {

TEST(ComputePartTest, HandsOverTheStateWhenItChangedOrOnAFullPassOnly) {
  std::vector<channel::HostState> handed;
  ComputePart part([&](const channel::HostState& state) { handed.push_back(state); });
  EXPECT_FALSE(part.uses_ovs());  // runs while OVS is down
  const channel::HostState state = {{"instance:i1", {{"id", "i1"}}}};
  PassResults results;

  const testing::TestDesired desired(state);
  part.reconcile(desired, {.interfaces = true}, results);  // a tap plugged: nothing to plan
  EXPECT_TRUE(handed.empty());

  part.reconcile(desired, testing::changed({{model::ObjectKind::kInstance, {"i1"}}}), results);
  part.resync(desired, results);
  ASSERT_EQ(handed.size(), 2u);
  EXPECT_EQ(handed[1], state);
}

}  // namespace
}  // namespace neutrino::agent
