#pragma once
// A private Open vSwitch for tests: its own ovsdb-server and ovs-vswitchd, database, sockets
// and logs in a fresh directory /tmp/ntr-ovs-<random>, started as children of the test and
// stopped by PID (then the directory removed) when the sandbox is destroyed, whatever the
// test's outcome. It never touches a system-wide OVS.
//
// ovs-vswitchd runs, by default, in a network namespace of its own: the userspace datapath
// creates a tap named "ovs-netdev" plus one device per bridge and internal port, and two
// sandboxes in one namespace would fight over "ovs-netdev". The namespace dies with the
// sandbox, taking every device with it, so nothing leaks into the host even on a crash.
// Bridge sockets (<bridge>.mgmt for OpenFlow) appear in rundir() either way.
#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/child_process.hpp"

namespace neutrino::testing {

class OvsSandbox {
 public:
  struct Options {
    bool start_vswitchd = true;
    // False: run ovs-vswitchd in the test's own network namespace (only one such sandbox
    // per namespace can have userspace bridges; name devices with prefix()).
    bool private_netns = true;
    std::chrono::milliseconds start_timeout{10000};
    std::chrono::milliseconds stop_timeout{5000};
  };

  OvsSandbox();
  explicit OvsSandbox(Options options);
  ~OvsSandbox();
  OvsSandbox(const OvsSandbox&) = delete;
  OvsSandbox& operator=(const OvsSandbox&) = delete;

  const std::string& rundir() const { return dir_; }
  std::string db_socket() const { return dir_ + "/db.sock"; }
  std::string db_target() const { return "unix:" + db_socket(); }
  // Short and unique ("n1a2b"), for bridge and port names: Linux allows 15 characters.
  const std::string& prefix() const { return prefix_; }
  // prefix() + suffix; throws std::invalid_argument beyond 15 characters.
  std::string name(std::string_view suffix) const;

  // ovs-vsctl against this sandbox's database (waiting for ovs-vswitchd when it runs); returns
  // stdout, throws std::runtime_error with stderr on failure. For assertions and for playing
  // "someone else" (Nova/libvirt) in tests.
  std::string vsctl(const std::vector<std::string>& args) const;
  // ovs-appctl to ovs-vswitchd ("vswitchd") or ovsdb-server ("ovsdb-server").
  std::string appctl(const std::string& daemon, const std::vector<std::string>& args) const;
  // Runs any command in ovs-vswitchd's network namespace (e.g. {"ip", "link"}).
  CommandResult run(const std::vector<std::string>& argv) const;

  // Waits until ovs-vswitchd has applied the database as it is now. (ovs-vsctl waits by
  // itself after a change, but not after a restart, when there is nothing to change.)
  void sync_vswitchd();
  void restart_vswitchd();
  void restart_ovsdb_server();
  void stop_ovsdb_server();
  void start_ovsdb_server();

  pid_t ovsdb_server_pid() const;
  pid_t vswitchd_pid() const;
  // The namespace ovs-vswitchd runs in: -1 when it shares the test's. Usable with setns().
  int netns_fd() const { return netns_fd_; }
  // "/proc/<test pid>/fd/<n>", for `nsenter --net=...`; empty without a private namespace.
  std::string netns_path() const;
  // The last lines of a log in rundir() ("ovsdb-server.log", "ovs-vswitchd.log").
  std::string log_tail(const std::string& file, size_t lines = 20) const;

 private:
  std::vector<std::string> environment() const;
  std::string run_vsctl(const std::vector<std::string>& args, bool wait) const;
  void start_vswitchd();
  void stop_vswitchd();
  // Polls (the one wait with nothing to be notified by) until `daemon` listens on `path`.
  void wait_for_socket(const std::string& path, ChildProcess& child, const std::string& daemon);
  void cleanup() noexcept;

  Options options_;
  std::string dir_;
  std::string prefix_;
  int netns_fd_ = -1;
  std::unique_ptr<ChildProcess> ovsdb_server_;
  std::unique_ptr<ChildProcess> vswitchd_;
};

}  // namespace neutrino::testing
