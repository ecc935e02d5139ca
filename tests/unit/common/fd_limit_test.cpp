#include "common/fd_limit.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>

namespace neutrino {
namespace {

TEST(FdLimitTest, RaisesTheSoftLimitToTheHardOne) {
  rlimit original{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &original), 0);
  if (original.rlim_max < 64) {
    GTEST_SKIP() << "hard limit " << original.rlim_max << " leaves nothing to lower";
  }
  rlimit lowered = original;
  lowered.rlim_cur = original.rlim_max / 2;  // as a service manager's default soft limit is
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &lowered), 0);

  const FdLimit result = raise_fd_limit();
  EXPECT_EQ(result.before, lowered.rlim_cur);
  EXPECT_EQ(result.now, original.rlim_max);
  rlimit now{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &now), 0);
  EXPECT_EQ(now.rlim_cur, original.rlim_max);
  // Already at the hard limit: nothing changes.
  EXPECT_EQ(raise_fd_limit().now, original.rlim_max);
  setrlimit(RLIMIT_NOFILE, &original);
}

}  // namespace
}  // namespace neutrino
