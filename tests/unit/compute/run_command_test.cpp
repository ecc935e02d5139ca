#include "compute/process/run_command.hpp"

#include <gtest/gtest.h>

namespace neutrino::compute {
namespace {

TEST(RunCommand, CollectsOutputAndExitCode) {
  const CommandResult r = run_command({"sh", "-c", "echo out; echo err >&2; exit 3"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.stdout_text, "out\n");
  EXPECT_EQ(r.stderr_text, "err\n");
  EXPECT_FALSE(r.timed_out);
}

TEST(RunCommand, ArgumentsAreNotShellWords) {
  EXPECT_EQ(check_output({"echo", "a;b", "$(id)"}), "a;b $(id)\n");
}

TEST(RunCommand, DeadlineKillsTheProgram) {
  const auto started = std::chrono::steady_clock::now();
  const CommandResult r = run_command({"sleep", "10"}, std::chrono::milliseconds(200));
  EXPECT_TRUE(r.timed_out);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  EXPECT_THROW(check_output({"sleep", "10"}, std::chrono::milliseconds(100)), std::runtime_error);
}

TEST(RunCommand, FailureCarriesStderr) {
  try {
    check_output({"sh", "-c", "echo 'Could not open disk' >&2; exit 1"});
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("Could not open disk"), std::string::npos);
  }
  EXPECT_THROW(run_command({"/nonexistent/program"}), std::runtime_error);
}

}  // namespace
}  // namespace neutrino::compute
