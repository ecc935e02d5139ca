#pragma once
// A scripted OpenFlow peer on a unix socket, for what a real ovs-vswitchd will not do on
// demand: send an echo request now, offer only OpenFlow 1.0, stay silent, hang up mid-request.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "dataplane/openflow/message.hpp"

namespace neutrino::dataplane::openflow {

class FakeSwitch {
 public:
  // Listens on a socket in a fresh directory under /tmp.
  FakeSwitch();
  ~FakeSwitch();
  FakeSwitch(const FakeSwitch&) = delete;
  FakeSwitch& operator=(const FakeSwitch&) = delete;

  const std::string& path() const { return path_; }
  // Waits for the client to connect (throws after `timeout`).
  void accept(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  void send(const Message& message);
  // The next whole message, or nullopt once the client hung up. Throws std::runtime_error
  // when nothing arrives within `timeout`.
  std::optional<Message> receive(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Hangs up on the client.
  void disconnect();

 private:
  bool wait_readable(int fd, std::chrono::milliseconds timeout);
  bool read_exactly(std::uint8_t* data, std::size_t size, std::chrono::milliseconds timeout);

  std::string dir_;
  std::string path_;
  int listener_ = -1;
  int client_ = -1;
};

}  // namespace neutrino::dataplane::openflow
