#pragma once
// Test helper: a plain blocking TCP socket for sending hand-written HTTP, so server tests can
// check bytes on the wire (pipelining, HEAD, malformed requests) without a real client.
#include <chrono>
#include <cstdint>
#include <string>

namespace neutrino::http::testing {

class RawConnection {
 public:
  explicit RawConnection(uint16_t port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  void send(const std::string& bytes);
  // Reads until the server closes the connection or the timeout passes; closed() tells which.
  std::string read_until_close(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Reads until `count` complete responses with Content-Length bodies have arrived.
  std::string read_responses(int count,
                             std::chrono::milliseconds timeout = std::chrono::seconds(10));
  bool closed() const { return closed_; }

 private:
  // Appends what arrives within `timeout` to buffer_; false when nothing came.
  bool read_some(std::chrono::milliseconds timeout);

  int fd_ = -1;
  bool closed_ = false;
  std::string buffer_;
};

// Number of complete responses at the start of `bytes` (bodies framed by Content-Length).
int count_responses(const std::string& bytes);

}  // namespace neutrino::http::testing
