#pragma once
// The transport under OpenFlowConnection: one socket, a thread running Boost.Asio that frames
// messages, answers echo requests and files replies and errors under the xid they answer.
// Callers on other threads track xids, send, and wait.
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>

#include "dataplane/openflow/message.hpp"
#include "dataplane/openflow/openflow_error.hpp"

namespace neutrino::dataplane::openflow {

class Session {
 public:
  using Handler = std::function<void(std::span<const std::uint8_t>)>;
  using CloseHandler = std::function<void(const std::string& reason)>;

  // Connects to the unix socket `path` and completes the HELLO exchange; throws like
  // OpenFlowConnection's constructor.
  Session(const std::string& path, std::chrono::milliseconds timeout);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  std::uint8_t version() const { return version_; }
  bool connected() const;
  void set_unsolicited_handler(Handler handler);
  // Runs on the session thread when the session fails (not when it is stopped); at once when
  // it has failed already.
  void set_close_handler(CloseHandler handler);
  std::uint64_t echo_requests_answered() const { return echoes_answered_; }

  std::uint32_t next_xid() { return next_xid_++; }
  // From track() to untrack(), the reply parts and the error for `xid` are kept for the
  // caller; `what` names the request in the error ("flow ...").
  void track(std::uint32_t xid, std::string what);
  void untrack(std::span<const std::uint32_t> xids);
  // Queues `messages` for sending, in order, as one run.
  void send(std::vector<Message> messages);
  // Waits until `xid` (tracked) is answered: its reply parts, or none when the switch answered
  // with an error (see errors()). Throws ConnectionError on close, or when the switch sends no
  // part of the answer for the timeout.
  std::vector<Message> wait(std::uint32_t xid);
  // The errors received so far for `xids`, in xid order.
  std::vector<OpenFlowError> errors(std::span<const std::uint32_t> xids) const;

 private:
  struct Pending {
    std::string what;
    bool done = false;
    std::vector<Message> parts;
    std::optional<OpenFlowError> error;
  };

  void check_caller() const;
  void read_header();
  void read_body();
  void dispatch(Message message);
  void finish_handshake(const Message& message);
  void write(Message message);
  void write_next();
  void fail(const std::string& reason);
  void stop();

  const std::string path_;
  const std::chrono::milliseconds timeout_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  boost::asio::local::stream_protocol::socket socket_;
  std::thread thread_;

  // Session thread only.
  enum class State { kHandshake, kOpen, kRefused };
  State state_ = State::kHandshake;
  std::array<std::uint8_t, 8> header_{};
  Message incoming_;
  std::deque<Message> outgoing_;
  bool writing_ = false;
  bool close_when_sent_ = false;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::uint32_t, Pending> pending_;
  bool negotiated_ = false;
  std::optional<OpenFlowError> refused_;
  bool closed_ = false;
  bool stopping_ = false;
  std::string close_reason_;
  Handler handler_;
  CloseHandler close_handler_;

  std::atomic<std::uint8_t> version_{0};
  std::atomic<std::uint32_t> next_xid_{1};
  std::atomic<std::uint64_t> echoes_answered_{0};
};

}  // namespace neutrino::dataplane::openflow
