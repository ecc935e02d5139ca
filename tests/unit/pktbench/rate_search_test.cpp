#include "pktbench/rate_search.hpp"

#include <gtest/gtest.h>

#include "fake_link.hpp"

namespace neutrino::pktbench {
namespace {

TEST(RateSearch, PathFasterThanGeneratorNeedsOneTrial) {
  FakeLink link(100'000, 1'000'000);
  SearchResult r = search_highest_rate(link, SearchOptions{});
  ASSERT_EQ(r.trials.size(), 1u);
  ASSERT_TRUE(r.best);
  EXPECT_EQ(r.best->sent, 100'000u);
  EXPECT_EQ(link.offered().front(), 0);  // unthrottled first
}

TEST(RateSearch, ConvergesOnThePathsCapacity) {
  FakeLink link(1'000'000, 370'000);
  SearchOptions options;
  options.loss_threshold = 0.001;
  options.resolution = 0.01;
  options.max_trials = 20;
  SearchResult r = search_highest_rate(link, options);
  ASSERT_TRUE(r.best);
  EXPECT_LE(r.best->tx_pps(), 370'000 * 1.001 + 1);   // passed: at or under capacity (+0.1%)
  EXPECT_GE(r.best->tx_pps(), 370'000 * (1 - 0.02));  // within the resolution of it
  EXPECT_LE(r.trials.size(), 20u);
  for (const auto& t : r.trials) {
    if (t.offered_pps > r.best->offered_pps) {
      EXPECT_FALSE(passes(t, options));
    }
  }
}

TEST(RateSearch, ThresholdToleratesBackgroundLoss) {
  FakeLink lossy(500'000, 200'000, 0.0005);
  SearchOptions options;
  options.loss_threshold = 0.001;
  SearchResult r = search_highest_rate(lossy, options);
  ASSERT_TRUE(r.best);
  EXPECT_GT(r.best->tx_pps(), 190'000);

  FakeLink lossier(500'000, 200'000, 0.01);
  EXPECT_FALSE(search_highest_rate(lossier, options).best);  // no rate is clean enough
}

TEST(RateSearch, StopsAtMaxTrials) {
  FakeLink link(1'000'000, 123'457);
  SearchOptions options;
  options.resolution = 1e-9;
  options.max_trials = 5;
  EXPECT_EQ(search_highest_rate(link, options).trials.size(), 5u);
}

TEST(RateSearch, NothingSentNeverPasses) {
  FakeLink dead(0, 0);
  SearchResult r = search_highest_rate(dead, SearchOptions{});
  EXPECT_FALSE(r.best);
  EXPECT_EQ(r.trials.size(), 1u);  // nothing to search below 0 pps
}

}  // namespace
}  // namespace neutrino::pktbench
