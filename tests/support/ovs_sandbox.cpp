#include "tests/support/ovs_sandbox.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "common/random.hpp"

namespace neutrino::testing {
namespace {

using Clock = std::chrono::steady_clock;
constexpr const char* kSchema = "/usr/share/openvswitch/vswitch.ovsschema";

// A new network namespace, held by the returned descriptor alone: unshare() on a throwaway
// thread moves only that thread, and the namespace outlives it through the open descriptor.
int create_netns() {
  int fd = -1;
  int error = 0;
  std::thread([&] {
    if (unshare(CLONE_NEWNET) != 0) {
      error = errno;
      return;
    }
    fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      error = errno;
    }
  }).join();
  if (fd < 0) {
    throw std::system_error(error, std::generic_category(),
                            "cannot create a network namespace for ovs-vswitchd");
  }
  return fd;
}

bool accepts_connections(const std::string& path) {
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return false;
  }
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  const bool ok = connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  close(fd);
  return ok;
}

std::string join(const std::vector<std::string>& args) {
  std::string out;
  for (const auto& arg : args) {
    out += (out.empty() ? "" : " ") + arg;
  }
  return out;
}

}  // namespace

OvsSandbox::OvsSandbox() : OvsSandbox(Options{}) {}

OvsSandbox::OvsSandbox(Options options) : options_(options) {
  for (int attempt = 0;; ++attempt) {
    const std::string id = random::hex(random::bytes(4));
    dir_ = "/tmp/ntr-ovs-" + id;  // short: unix socket paths are limited to 107 bytes
    if (mkdir(dir_.c_str(), 0700) == 0) {
      prefix_ = "n" + id.substr(0, 4);
      break;
    }
    if (errno != EEXIST || attempt >= 10) {
      throw std::system_error(errno, std::generic_category(), "mkdir " + dir_);
    }
  }
  try {
    if (options_.private_netns) {
      netns_fd_ = create_netns();
      run({"ip", "link", "set", "lo", "up"});  // as a host has it: tunnels may use 127.0.0.1
    }
    const auto created = run_command(
        {.argv = {"ovsdb-tool", "create", dir_ + "/conf.db", kSchema}, .env = environment()});
    if (created.status != 0) {
      throw std::runtime_error("ovsdb-tool create failed: " + created.err);
    }
    start_ovsdb_server();
    vsctl({"init"});
    if (options_.start_vswitchd) {
      start_vswitchd();
    }
  } catch (...) {
    cleanup();
    throw;
  }
}

OvsSandbox::~OvsSandbox() {
  cleanup();
}

void OvsSandbox::cleanup() noexcept {
  // vswitchd first, so that it does not log reconnection attempts to a dead database.
  try {
    stop_vswitchd();
  } catch (...) {
  }
  try {
    stop_ovsdb_server();
  } catch (...) {
  }
  if (netns_fd_ >= 0) {
    close(netns_fd_);  // the last reference: the namespace and its devices go away
    netns_fd_ = -1;
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::vector<std::string> OvsSandbox::environment() const {
  // Every default path of the OVS tools points into the sandbox, so that nothing can reach a
  // system-wide instance by accident.
  return {"OVS_RUNDIR=" + dir_, "OVS_DBDIR=" + dir_, "OVS_LOGDIR=" + dir_};
}

std::string OvsSandbox::name(std::string_view suffix) const {
  std::string out = prefix_ + std::string(suffix);
  if (out.size() > 15) {
    throw std::invalid_argument("device name \"" + out + "\" is longer than 15 characters");
  }
  return out;
}

void OvsSandbox::wait_for_socket(const std::string& path, ChildProcess& child,
                                 const std::string& daemon) {
  const auto deadline = Clock::now() + options_.start_timeout;
  while (!accepts_connections(path)) {
    if (const auto status = child.poll()) {
      throw std::runtime_error("OVS sandbox: " + daemon + " exited with status " +
                               std::to_string(*status) + "; its log ends with:\n" +
                               log_tail(daemon + ".log"));
    }
    if (Clock::now() > deadline) {
      throw std::runtime_error("OVS sandbox: " + daemon + " did not listen on " + path +
                               " within " + std::to_string(options_.start_timeout.count()) +
                               " ms; its log ends with:\n" + log_tail(daemon + ".log"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void OvsSandbox::start_ovsdb_server() {
  if (ovsdb_server_) {
    return;
  }
  // ovsdb-server stays in the test's namespace: a TCP remote is then reachable from tests.
  ovsdb_server_ = std::make_unique<ChildProcess>(SpawnOptions{
      .argv = {"ovsdb-server", dir_ + "/conf.db", "--remote=punix:" + db_socket(),
               // Manager rows add remotes (and their inactivity probes), as in production.
               "--remote=db:Open_vSwitch,Open_vSwitch,manager_options",
               "--unixctl=" + dir_ + "/ovsdb-server.ctl", "--pidfile=" + dir_ + "/ovsdb-server.pid",
               "--log-file=" + dir_ + "/ovsdb-server.log"},
      .env = environment(),
      .output_file = dir_ + "/ovsdb-server.out"});
  wait_for_socket(db_socket(), *ovsdb_server_, "ovsdb-server");
}

void OvsSandbox::stop_ovsdb_server() {
  if (ovsdb_server_) {
    ovsdb_server_->stop(options_.stop_timeout);
    ovsdb_server_.reset();
  }
}

void OvsSandbox::restart_ovsdb_server() {
  stop_ovsdb_server();
  start_ovsdb_server();
}

void OvsSandbox::start_vswitchd() {
  if (vswitchd_) {
    return;
  }
  vswitchd_ = std::make_unique<ChildProcess>(
      SpawnOptions{.argv = {"ovs-vswitchd", db_target(), "--unixctl=" + dir_ + "/ovs-vswitchd.ctl",
                            "--pidfile=" + dir_ + "/ovs-vswitchd.pid",
                            "--log-file=" + dir_ + "/ovs-vswitchd.log"},
                   .env = environment(),
                   .netns_fd = netns_fd_,
                   .output_file = dir_ + "/ovs-vswitchd.out"});
  wait_for_socket(dir_ + "/ovs-vswitchd.ctl", *vswitchd_, "ovs-vswitchd");
  sync_vswitchd();
}

void OvsSandbox::sync_vswitchd() {
  // What ovs-vsctl does after a change: bump next_cfg, wait for ovs-vswitchd to copy it
  // to cur_cfg once a reconfiguration that saw everything before has completed.
  const std::string now = run_vsctl({"get", "Open_vSwitch", ".", "next_cfg"}, false);
  const std::string next = std::to_string(std::stoll(now) + 1);
  run_vsctl({"set", "Open_vSwitch", ".", "next_cfg=" + next}, false);
  try {
    run_vsctl({"wait-until", "Open_vSwitch", ".", "cur_cfg>=" + next}, false);
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string(e.what()) + "\n" + log_tail("ovs-vswitchd.log"));
  }
}

void OvsSandbox::stop_vswitchd() {
  if (vswitchd_) {
    vswitchd_->stop(options_.stop_timeout);
    vswitchd_.reset();
  }
}

void OvsSandbox::restart_vswitchd() {
  stop_vswitchd();
  start_vswitchd();
}

pid_t OvsSandbox::ovsdb_server_pid() const {
  return ovsdb_server_ ? ovsdb_server_->pid() : -1;
}

pid_t OvsSandbox::vswitchd_pid() const {
  return vswitchd_ ? vswitchd_->pid() : -1;
}

std::string OvsSandbox::netns_path() const {
  if (netns_fd_ < 0) {
    return "";
  }
  return "/proc/" + std::to_string(getpid()) + "/fd/" + std::to_string(netns_fd_);
}

std::string OvsSandbox::vsctl(const std::vector<std::string>& args) const {
  return run_vsctl(args, vswitchd_ != nullptr);  // with no vswitchd, nobody would apply it
}

std::string OvsSandbox::run_vsctl(const std::vector<std::string>& args, bool wait) const {
  const auto seconds = std::max<int64_t>(
      1, std::chrono::duration_cast<std::chrono::seconds>(options_.start_timeout).count());
  std::vector<std::string> argv = {"ovs-vsctl", "--db=" + db_target(),
                                   "--timeout=" + std::to_string(seconds)};
  if (!wait) {
    argv.push_back("--no-wait");
  }
  argv.insert(argv.end(), args.begin(), args.end());
  const auto result = run_command({.argv = argv, .env = environment()},
                                  options_.start_timeout + std::chrono::seconds(5));
  if (result.status != 0) {
    throw std::runtime_error("ovs-vsctl " + join(args) + " failed with status " +
                             std::to_string(result.status) + ": " + result.err);
  }
  return result.out;
}

std::string OvsSandbox::appctl(const std::string& daemon,
                               const std::vector<std::string>& args) const {
  const std::string target =
      dir_ + (daemon == "vswitchd" ? "/ovs-vswitchd.ctl" : "/" + daemon + ".ctl");
  std::vector<std::string> argv = {"ovs-appctl", "-t", target};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto result = run_command({.argv = argv, .env = environment()});
  if (result.status != 0) {
    throw std::runtime_error("ovs-appctl " + join(args) + " failed: " + result.err);
  }
  return result.out;
}

CommandResult OvsSandbox::run(const std::vector<std::string>& argv) const {
  return run_command({.argv = argv, .env = environment(), .netns_fd = netns_fd_});
}

std::string OvsSandbox::log_tail(const std::string& file, size_t lines) const {
  std::ifstream in(dir_ + "/" + file);
  std::deque<std::string> tail;
  for (std::string line; std::getline(in, line);) {
    tail.push_back(line);
    if (tail.size() > lines) {
      tail.pop_front();
    }
  }
  std::string out;
  for (const auto& line : tail) {
    out += line + "\n";
  }
  return out;
}

}  // namespace neutrino::testing
