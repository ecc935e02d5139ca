#include "tests/unit/controller/http/raw_connection.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace neutrino::http::testing {

RawConnection::RawConnection(uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) {
    throw std::runtime_error("socket failed");
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd_);
    throw std::runtime_error(std::string("connect failed: ") + std::strerror(errno));
  }
}

RawConnection::~RawConnection() {
  ::close(fd_);
}

void RawConnection::send(const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      throw std::runtime_error(std::string("send failed: ") + std::strerror(errno));
    }
    sent += static_cast<size_t>(n);
  }
}

bool RawConnection::read_some(std::chrono::milliseconds timeout) {
  pollfd waiting{fd_, POLLIN, 0};
  if (::poll(&waiting, 1, static_cast<int>(timeout.count())) <= 0) {
    return false;
  }
  char chunk[4096];
  const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
  if (n <= 0) {
    closed_ = true;  // EOF or reset
    return false;
  }
  buffer_.append(chunk, static_cast<size_t>(n));
  return true;
}

std::string RawConnection::read_until_close(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!closed_ && std::chrono::steady_clock::now() < deadline) {
    read_some(std::chrono::milliseconds(50));
  }
  return std::exchange(buffer_, {});
}

std::string RawConnection::read_responses(int count, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (count_responses(buffer_) < count && !closed_ &&
         std::chrono::steady_clock::now() < deadline) {
    read_some(std::chrono::milliseconds(50));
  }
  return std::exchange(buffer_, {});
}

int count_responses(const std::string& bytes) {
  int count = 0;
  size_t start = 0;
  while (true) {
    const size_t end = bytes.find("\r\n\r\n", start);
    if (end == std::string::npos) {
      return count;
    }
    size_t length = 0;
    const std::string head = bytes.substr(start, end - start);
    const size_t field = head.find("Content-Length: ");
    if (field != std::string::npos) {
      length = std::stoul(head.substr(field + 16));
    }
    if (bytes.size() < end + 4 + length) {
      return count;
    }
    ++count;
    start = end + 4 + length;
  }
}

}  // namespace neutrino::http::testing
