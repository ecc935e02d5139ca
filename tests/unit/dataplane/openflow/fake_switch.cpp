#include "tests/unit/dataplane/openflow/fake_switch.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <system_error>

namespace neutrino::dataplane::openflow {

FakeSwitch::FakeSwitch() {
  char pattern[] = "/tmp/ntr-of-XXXXXX";
  if (!mkdtemp(pattern)) {
    throw std::system_error(errno, std::generic_category(), "mkdtemp");
  }
  dir_ = pattern;
  path_ = dir_ + "/switch.sock";
  listener_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path_.c_str(), sizeof address.sun_path - 1);
  if (listener_ < 0 || bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) ||
      listen(listener_, 4)) {
    const int error = errno;
    std::filesystem::remove_all(dir_);
    throw std::system_error(error, std::generic_category(), "listen on " + path_);
  }
}

FakeSwitch::~FakeSwitch() {
  disconnect();
  close(listener_);
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

bool FakeSwitch::wait_readable(int fd, std::chrono::milliseconds timeout) {
  pollfd descriptor{fd, POLLIN, 0};
  return poll(&descriptor, 1, static_cast<int>(timeout.count())) == 1;
}

void FakeSwitch::accept(std::chrono::milliseconds timeout) {
  if (!wait_readable(listener_, timeout)) {
    throw std::runtime_error("fake switch: no client connected");
  }
  client_ = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
  if (client_ < 0) {
    throw std::system_error(errno, std::generic_category(), "accept");
  }
}

void FakeSwitch::send(const Message& message) {
  std::size_t sent = 0;
  while (sent < message.size()) {
    const ssize_t n = ::send(client_, message.data() + sent, message.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      throw std::system_error(errno, std::generic_category(), "fake switch send");
    }
    sent += static_cast<std::size_t>(n);
  }
}

bool FakeSwitch::read_exactly(std::uint8_t* data, std::size_t size,
                              std::chrono::milliseconds timeout) {
  std::size_t got = 0;
  while (got < size) {
    if (!wait_readable(client_, timeout)) {
      throw std::runtime_error("fake switch: nothing received in time");
    }
    const ssize_t n = ::recv(client_, data + got, size - got, 0);
    if (n <= 0) {
      return false;
    }
    got += static_cast<std::size_t>(n);
  }
  return true;
}

std::optional<Message> FakeSwitch::receive(std::chrono::milliseconds timeout) {
  Message message(8);
  if (!read_exactly(message.data(), 8, timeout)) {
    return std::nullopt;
  }
  const std::size_t length = static_cast<std::size_t>(message[2] << 8 | message[3]);
  message.resize(length);
  if (length > 8 && !read_exactly(message.data() + 8, length - 8, timeout)) {
    return std::nullopt;
  }
  return message;
}

void FakeSwitch::disconnect() {
  if (client_ >= 0) {
    close(client_);
    client_ = -1;
  }
}

}  // namespace neutrino::dataplane::openflow
