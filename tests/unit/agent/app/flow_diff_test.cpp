#include "agent/app/flow_diff.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace neutrino::agent {
namespace {

constexpr std::uint64_t kCookie = 0x6e65757472696e6fULL;

TEST(FlowDiffTest, FlowsAlreadyRightAreLeftAlone) {
  const std::vector<std::string> flows = {"table=0, priority=1 actions=drop",
                                          "table=1, priority=5,in_port=3 actions=NORMAL"};
  EXPECT_TRUE(flow_diff(flows, flows, kCookie).empty());
}

TEST(FlowDiffTest, AddsTheMissingAndStrictlyDeletesTheUnwanted) {
  const auto changes = flow_diff(
      {"table=0, priority=1 actions=drop", "table=0, priority=9 actions=drop"},
      {"table=0, priority=1 actions=drop", "table=0, priority=2 actions=NORMAL"}, kCookie);
  ASSERT_EQ(changes.size(), 2u);
  // Adds first: the changes may go in several bundles without a gap in between.
  EXPECT_EQ(changes[0], dataplane::openflow::FlowChange::add("table=0, priority=2 actions=NORMAL"));
  EXPECT_EQ(changes[1], dataplane::openflow::FlowChange::remove_strict(
                            "cookie=0x6e65757472696e6f/-1,table=0,priority=9"));
}

// An add overwrites the flow of the same table, priority and match; a strict delete of the old
// one would delete the new one too, once applied after it.
TEST(FlowDiffTest, AFlowWithNewActionsIsReplacedByItsAddAlone) {
  const auto changes =
      flow_diff({"table=5, priority=10,ip,nw_src=10.0.0.5 actions=drop"},
                {"table=5, priority=10,ip,nw_src=10.0.0.5 actions=goto_table:6"}, kCookie);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0], dataplane::openflow::FlowChange::add(
                            "table=5, priority=10,ip,nw_src=10.0.0.5 actions=goto_table:6"));
}

TEST(FlowDiffTest, StrictDeleteKeepsTheMatchAndDropsStatisticsAndTimeouts) {
  EXPECT_EQ(strict_delete_of("cookie=0x6e65757472696e6f, duration=3.2s, table=2, n_packets=4, "
                             "n_bytes=300, idle_timeout=5, priority=10,ip,nw_src=10.0.0.5 "
                             "actions=ct(commit)",
                             kCookie),
            "cookie=0x6e65757472696e6f/-1,table=2,priority=10,ip,nw_src=10.0.0.5");
}

}  // namespace
}  // namespace neutrino::agent
