#pragma once
// Runs a program (qemu-img) and waits for it with a deadline, collecting what it printed.
// No shell: argv goes to posix_spawnp as it is, so names from the controller cannot inject.
#include <chrono>
#include <string>
#include <vector>

namespace neutrino::compute {

struct CommandResult {
  int exit_code = -1;  // -1: killed by a signal or by the deadline
  std::string stdout_text;
  std::string stderr_text;
  bool timed_out = false;
};

// Throws std::runtime_error when the program cannot be started.
CommandResult run_command(const std::vector<std::string>& argv,
                          std::chrono::milliseconds timeout = std::chrono::minutes(10));

// run_command, throwing std::runtime_error with stderr when it does not exit 0.
std::string check_output(const std::vector<std::string>& argv,
                         std::chrono::milliseconds timeout = std::chrono::minutes(10));

}  // namespace neutrino::compute
