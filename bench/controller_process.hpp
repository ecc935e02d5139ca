#pragma once
// Starts a real neutrino-controller on 127.0.0.1 with a fresh data directory, for benchmarks.
// Stops it by PID (and waits for it) when destroyed.
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace neutrino::bench {

class ControllerProcess {
 public:
  ControllerProcess(const std::string& binary, const std::vector<std::string>& extra_args);
  ~ControllerProcess();
  ControllerProcess(const ControllerProcess&) = delete;
  ControllerProcess& operator=(const ControllerProcess&) = delete;

  uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  // Where the controller keeps its store and publishes its addresses (metadata.url, ...).
  const std::filesystem::path& data_dir() const { return data_dir_; }
  static constexpr const char* kAdminPassword = "bench-admin-password";

 private:
  std::filesystem::path data_dir_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

}  // namespace neutrino::bench
