#include "agent/app/state_changes.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace neutrino::agent {
namespace {

using model::ObjectKind;
using ::testing::ElementsAre;

TEST(StateChangesTest, AddGathersTheIdsOfSeveralDeltas) {
  StateChanges changes;
  changes.add({{ObjectKind::kPort, {"b"}}});
  changes.add({{ObjectKind::kPort, {"a", "b"}}, {ObjectKind::kRemotePort, {"c"}}});
  EXPECT_THAT(changes.objects.at(ObjectKind::kPort), ElementsAre("a", "b"));
  EXPECT_THAT(changes.objects.at(ObjectKind::kRemotePort), ElementsAre("c"));
}

TEST(StateChangesTest, TouchesMatchesAKindOrAnyFullPass) {
  StateChanges changes;
  changes.add({{ObjectKind::kNetwork, {"n1"}}, {ObjectKind::kRemotePort, {"r1"}}});
  EXPECT_TRUE(changes.touches(ObjectKind::kRemotePort));
  EXPECT_TRUE(changes.touches(ObjectKind::kNetwork));
  EXPECT_FALSE(changes.touches(ObjectKind::kPort));
  EXPECT_FALSE(changes.touches(ObjectKind::kSecurityGroup));
  EXPECT_TRUE(changes.any_object());
  EXPECT_FALSE(StateChanges{}.touches(ObjectKind::kPort));
  EXPECT_FALSE(StateChanges{}.any_object());
  EXPECT_TRUE(StateChanges::everything().touches(ObjectKind::kPort));
  EXPECT_TRUE(StateChanges::everything().any_object());
}

}  // namespace
}  // namespace neutrino::agent
