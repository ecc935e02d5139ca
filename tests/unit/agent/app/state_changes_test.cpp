#include "agent/app/state_changes.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/channel/host_state.hpp"

namespace neutrino::agent {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(StateChangesTest, ChangedKeysAreTheAddedChangedAndRemovedOnes) {
  const channel::HostState before = {
      {"network:n1", {{"mtu", 1450}}}, {"port:a", {{"id", "a"}}}, {"port:b", {{"id", "b"}}}};
  const channel::HostState after = {{"network:n1", {{"mtu", 1450}}},
                                    {"port:b", {{"id", "b"}, {"admin_state_up", false}}},
                                    {"remote:c", {{"id", "c"}}}};
  EXPECT_THAT(changed_keys(before, after), ElementsAre("port:a", "port:b", "remote:c"));
  EXPECT_THAT(changed_keys(after, after), IsEmpty());
  EXPECT_THAT(changed_keys({}, before), ElementsAre("network:n1", "port:a", "port:b"));
}

TEST(StateChangesTest, TouchesMatchesAKeyPrefixOrAnyFullPass) {
  StateChanges changes{.keys = {"network:n1", "remote:r1"}};
  EXPECT_TRUE(changes.touches("remote:"));
  EXPECT_TRUE(changes.touches("network:"));
  EXPECT_FALSE(changes.touches("port:"));
  EXPECT_FALSE(changes.touches("security_group:"));
  EXPECT_FALSE(StateChanges{}.touches("port:"));
  EXPECT_TRUE(StateChanges::everything().touches("port:"));
}

}  // namespace
}  // namespace neutrino::agent
