#pragma once
// A stand-in for the controller's metadata listener on 127.0.0.1, for the proxy's unit tests:
// blocking Beast, a thread per connection. It answers 200 with the request's method, target
// and proxy headers in the body ("GET /x id=... tenant=... for=... sig=..."), and can be told
// to be slow, to stall, or to drop a connection without answering.
#include <utility>  // before Asio: Boost 1.74 uses std::exchange without it

#include <atomic>
#include <boost/asio.hpp>
#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace neutrino::agent::testing {

class FakeMetadataService {
 public:
  FakeMetadataService();
  ~FakeMetadataService();

  uint16_t port() const { return port_; }
  // Every answer waits this long first.
  void set_delay(std::chrono::milliseconds delay) { delay_ = delay; }
  // Requests are read and never answered.
  void set_stall(bool stall) { stall_ = stall; }
  // The next request read is not answered: its connection is closed instead (a kept
  // connection the server gave up on just as the proxy reused it).
  void drop_next_request() { drop_next_ = true; }

  int connections() const { return connections_; }
  int requests() const { return requests_; }
  std::vector<std::string> bodies() const;

 private:
  void accept_loop();
  void serve(boost::asio::ip::tcp::socket& socket);

  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::atomic<std::chrono::milliseconds> delay_{std::chrono::milliseconds(0)};
  std::atomic<bool> stall_{false};
  std::atomic<bool> drop_next_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::atomic<int> requests_{0};
  mutable std::mutex mutex_;
  std::vector<std::string> bodies_;
  std::list<boost::asio::ip::tcp::socket> sockets_;
  std::vector<std::thread> threads_;
  std::thread acceptor_thread_;
};

}  // namespace neutrino::agent::testing
