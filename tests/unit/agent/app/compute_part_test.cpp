#include "agent/app/compute_part.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace neutrino::agent {
namespace {

TEST(ComputePartTest, HandsOverTheStateWhenItChangedOrOnAFullPassOnly) {
  std::vector<channel::HostState> handed;
  ComputePart part([&](const channel::HostState& state) { handed.push_back(state); });
  EXPECT_FALSE(part.uses_ovs());  // runs while OVS is down
  const channel::HostState state = {{"instance:i1", {{"id", "i1"}}}};
  PassResults results;

  part.apply(state, {.interfaces = true}, results);  // a tap plugged: nothing to plan
  EXPECT_TRUE(handed.empty());

  part.apply(state, {.keys = {"instance:i1"}}, results);
  part.resync(state, results);
  ASSERT_EQ(handed.size(), 2u);
  EXPECT_EQ(handed[1], state);
}

}  // namespace
}  // namespace neutrino::agent
