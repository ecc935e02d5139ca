#pragma once
// One JSON-RPC 1.0 session with ovsdb-server (RFC 7047) over "unix:/path" or "tcp:IP:PORT".
// It numbers requests and matches replies, answers the server's "echo" keepalives, passes
// notifications ("update", "update2", "locked", ...) to a handler and reports a lost
// connection. It never reconnects by itself: the caller decides when, and builds a new
// session (monitors included) on a new connection.
//
// Everything runs on the caller's io_context (on a strand, so run() may be called from
// several threads); handlers are called there. The blocking wrappers connect() and call()
// are for other threads and throw std::logic_error if called from a thread running the
// io_context. The io_context must outlive this object.
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <string>

#include "common/json.hpp"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace neutrino::agent::ovs {

class OvsdbConnection {
 public:
  // `error` is null on success; then `result` is the reply's "result".
  using ReplyHandler = std::function<void(std::exception_ptr error, Json result)>;
  using ConnectHandler = std::function<void(std::exception_ptr error)>;
  using NotificationHandler = std::function<void(const std::string& method, const Json& params)>;
  using DisconnectHandler = std::function<void(const std::string& reason)>;

  explicit OvsdbConnection(boost::asio::io_context& io);
  // Closes the connection; pending calls fail with OvsdbConnectionError.
  ~OvsdbConnection();
  OvsdbConnection(const OvsdbConnection&) = delete;
  OvsdbConnection& operator=(const OvsdbConnection&) = delete;

  // `target` is "unix:/run/openvswitch/db.sock" or "tcp:127.0.0.1:6640" (an IP literal;
  // IPv6 as "tcp:[::1]:6640"). Throws std::invalid_argument on any other form. A connection
  // can be opened once; make a new object to reconnect.
  void async_connect(const std::string& target, std::chrono::milliseconds timeout,
                     ConnectHandler done);
  void connect(const std::string& target, std::chrono::milliseconds timeout);

  // Sends {"method", "params", "id"}; `done` gets the result, OvsdbRpcError for an error
  // reply, or OvsdbConnectionError when the connection is or gets lost first.
  void async_call(std::string method, Json params, ReplyHandler done);
  // Blocking form; OvsdbTimeoutError when no reply comes within `timeout`.
  Json call(std::string method, Json params, std::chrono::milliseconds timeout);

  // Both are called on the io thread. The disconnect handler fires once, when an open
  // connection is lost (EOF, I/O or protocol error, failed probe), not after close().
  // Setting either one waits for a call of the previous one in progress on another thread.
  void set_notification_handler(NotificationHandler handler);
  void set_disconnect_handler(DisconnectHandler handler);

  // Sends our own "echo" after `interval` without traffic and drops the connection when the
  // next interval also passes in silence: detects a dead peer on TCP. 0 (default) turns it
  // off; ovsdb-server's own probes are answered either way.
  void set_probe_interval(std::chrono::milliseconds interval);

  void close();
  bool is_connected() const;
  const std::string& target() const;
  // True on a thread that is running the io_context, where blocking calls would deadlock.
  bool in_io_thread() const;
  // How many "echo" requests from the server were answered (tests, diagnostics).
  uint64_t echo_requests_answered() const;

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace neutrino::agent::ovs
