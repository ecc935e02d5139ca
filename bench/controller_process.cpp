#include "bench/controller_process.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "common/random.hpp"

extern char** environ;

namespace neutrino::bench {

ControllerProcess::ControllerProcess(const std::string& binary,
                                     const std::vector<std::string>& extra_args) {
  data_dir_ = std::filesystem::temp_directory_path() / ("neutrino-bench-" + random::uuid4());
  std::filesystem::create_directories(data_dir_);
  std::vector<std::string> args = {binary,         "--listen",         "127.0.0.1:0",
                                   "--data-dir",   data_dir_.string(), "--admin-password",
                                   kAdminPassword, "--log-level",      "warning"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  std::vector<char*> argv;
  for (auto& a : args) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  if (posix_spawn(&pid_, binary.c_str(), nullptr, nullptr, argv.data(), environ) != 0) {
    throw std::runtime_error("cannot start " + binary);
  }
  const auto url_file = data_dir_ / "controller.url";
  for (int i = 0; i < 200 && !std::filesystem::exists(url_file); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::ifstream in(url_file);
  std::string url;
  if (!(in >> url)) {
    throw std::runtime_error("controller did not publish its URL in " + url_file.string());
  }
  port_ = static_cast<uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
}

ControllerProcess::~ControllerProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  std::error_code ignored;
  std::filesystem::remove_all(data_dir_, ignored);
}

}  // namespace neutrino::bench
