#pragma once
// Test helper: the server end of a unix socket, driven by hand, for what a real ovsdb-server
// does not do on demand (send an echo now, stay silent, hang up mid-call).
#include <chrono>
#include <deque>
#include <optional>
#include <string>

#include "agent/ovs/json_stream_splitter.hpp"
#include "common/json.hpp"

namespace neutrino::agent::ovs::testing {

class FakeOvsdbServer {
 public:
  FakeOvsdbServer();
  ~FakeOvsdbServer();
  FakeOvsdbServer(const FakeOvsdbServer&) = delete;
  FakeOvsdbServer& operator=(const FakeOvsdbServer&) = delete;

  std::string target() const { return "unix:" + path_; }
  // Accepts the client's connection (which the kernel completed already).
  void accept();
  void send(const Json& message);
  // Bytes as they are, for input no Json value could hold safely (nested 1,000,000 deep).
  void send_raw(const std::string& text);
  // The next complete message from the client, or nullopt after `timeout`.
  std::optional<Json> receive(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  void hang_up();

 private:
  std::string path_;
  int listen_fd_ = -1;
  int fd_ = -1;
  JsonStreamSplitter splitter_;
  std::deque<std::string> received_;
};

}  // namespace neutrino::agent::ovs::testing
