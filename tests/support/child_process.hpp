#pragma once
// Test helper: starts programs with fork/exec and keeps their PID, so a test can stop and
// wait for every process it started (PID 1 here reaps no orphans). Children get
// PR_SET_PDEATHSIG(SIGKILL): if the test process dies, so do they. That signal follows the
// thread that started the child, so start long-lived children from a thread that outlives
// them (the test's main thread).
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace neutrino::testing {

struct SpawnOptions {
  std::vector<std::string> argv;  // argv[0] is looked up in PATH
  // "NAME=value" entries added to (or replacing in) the test's environment.
  std::vector<std::string> env;
  // Enters this network namespace (setns) before exec when >= 0.
  int netns_fd = -1;
  // stdout and stderr are appended to this file; empty: /dev/null.
  std::string output_file;
};

struct CommandResult {
  int status = -1;  // exit code, or 128 + signal number
  std::string out;
  std::string err;
};

class ChildProcess {
 public:
  // Throws std::system_error when fork or exec fails (exec failures are reported by the
  // child through a close-on-exec pipe, so a missing program is an exception, not exit 127).
  explicit ChildProcess(const SpawnOptions& options);
  // Stops the process as stop() does, unless already reaped.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // Reaps the process if it has exited; its status then, or nullopt while it runs.
  std::optional<int> poll();
  // SIGTERM, then SIGKILL if it is still running after `grace`; always waits for it.
  // Returns the status as CommandResult::status encodes it.
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(5));

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

// Runs a command to completion, capturing stdout and stderr; kills it after `timeout` and
// throws std::runtime_error in that case.
CommandResult run_command(SpawnOptions options,
                          std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace neutrino::testing
