#include "tests/unit/agent/ovs/fake_ovsdb_server.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "common/random.hpp"

namespace neutrino::agent::ovs::testing {
namespace {

[[noreturn]] void fail(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

}  // namespace

FakeOvsdbServer::FakeOvsdbServer()
    : path_("/tmp/ntr-ovs-fake-" + random::hex(random::bytes(4)) + ".sock") {
  listen_fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) {
    fail("socket");
  }
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path_.c_str(), sizeof address.sun_path - 1);
  if (bind(listen_fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 ||
      listen(listen_fd_, 4) != 0) {
    fail("bind/listen " + path_);
  }
}

FakeOvsdbServer::~FakeOvsdbServer() {
  hang_up();
  close(listen_fd_);
  unlink(path_.c_str());
}

void FakeOvsdbServer::accept() {
  fd_ = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd_ < 0) {
    fail("accept");
  }
}

void FakeOvsdbServer::send(const Json& message) {
  send_raw(message.dump());
}

void FakeOvsdbServer::send_raw(const std::string& text) {
  size_t sent = 0;
  while (sent < text.size()) {
    const ssize_t n = ::send(fd_, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      fail("send");
    }
    sent += static_cast<size_t>(n);
  }
}

std::optional<Json> FakeOvsdbServer::receive(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (received_.empty()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    pollfd pfd{fd_, POLLIN, 0};
    if (left <= 0 || ::poll(&pfd, 1, static_cast<int>(left)) <= 0) {
      return std::nullopt;
    }
    char buffer[4096];
    const ssize_t n = read(fd_, buffer, sizeof buffer);
    if (n <= 0) {
      return std::nullopt;
    }
    std::vector<std::string> texts;
    splitter_.feed(std::string_view(buffer, static_cast<size_t>(n)), texts);
    received_.insert(received_.end(), texts.begin(), texts.end());
  }
  Json message = Json::parse(received_.front());
  received_.pop_front();
  return message;
}

void FakeOvsdbServer::hang_up() {
  if (fd_ >= 0) {
    close(fd_);
    fd_ = -1;
  }
}

}  // namespace neutrino::agent::ovs::testing
