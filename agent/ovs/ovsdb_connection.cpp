#include "agent/ovs/ovsdb_connection.hpp"

#include <array>
#include <atomic>
#include <deque>
#include <future>
#include <map>
#include <stdexcept>
#include <utility>

#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>

#include "agent/ovs/guarded_callback.hpp"
#include "agent/ovs/json_stream_splitter.hpp"
#include "agent/ovs/ovsdb_error.hpp"
#include "common/bounded_json.hpp"
#include "common/log.hpp"
#include "common/text_prefix.hpp"

namespace neutrino::agent::ovs {
namespace {

namespace asio = boost::asio;
using error_code = boost::system::error_code;
using Protocol = asio::generic::stream_protocol;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// RFC 7047 messages nest 8 levels at most (an update's row holding a map of pairs); the
// splitter already caps a message at 64 MiB. Deeper input is refused while parsing, before
// the recursive copies and dumps of the dispatch code.
constexpr JsonLimits kMessageLimits{.max_depth = 64, .max_bytes = size_t{64} << 20};

Protocol::endpoint parse_target(const std::string& target) {
  const auto invalid = [&](const std::string& why) {
    return std::invalid_argument("OVSDB target \"" + target + "\": " + why);
  };
  if (target.rfind("unix:", 0) == 0) {
    const std::string path = target.substr(5);
    if (path.empty() || path.size() >= 108) {  // sun_path holds 108 bytes with the NUL
      throw invalid("the socket path is empty or too long");
    }
    return Protocol::endpoint(asio::local::stream_protocol::endpoint(path));
  }
  if (target.rfind("tcp:", 0) == 0) {
    const std::string rest = target.substr(4);
    const auto colon = rest.rfind(':');
    if (colon == std::string::npos) {
      throw invalid("expected tcp:IP:PORT");
    }
    std::string host = rest.substr(0, colon);
    const std::string port = rest.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
      host = host.substr(1, host.size() - 2);
    }
    error_code ec;
    const auto address = asio::ip::make_address(host, ec);
    if (ec) {
      throw invalid("\"" + host + "\" is not an IP address");
    }
    if (port.empty() || port.size() > 5 ||
        port.find_first_not_of("0123456789") != std::string::npos || std::stoul(port) == 0 ||
        std::stoul(port) > 65535) {
      throw invalid("bad port \"" + port + "\"");
    }
    return Protocol::endpoint(
        asio::ip::tcp::endpoint(address, static_cast<unsigned short>(std::stoul(port))));
  }
  throw invalid("expected unix:PATH or tcp:IP:PORT");
}

// A handler that throws must not unwind through the io_context of someone else's loop.
template <typename F, typename... A>
void invoke(const char* what, F& f, A&&... args) {
  try {
    f(std::forward<A>(args)...);
  } catch (const std::exception& e) {
    log::error("OVSDB ", what, " handler threw: ", e.what());
  }
}

}  // namespace

class OvsdbConnection::Impl : public std::enable_shared_from_this<Impl> {
 public:
  explicit Impl(asio::io_context& io)
      : io_(io),
        strand_(asio::make_strand(io)),
        socket_(strand_),
        connect_timer_(strand_),
        probe_timer_(strand_) {}

  bool in_io_thread() const { return io_.get_executor().running_in_this_thread(); }

  void check_not_io_thread(const char* what) const {
    if (in_io_thread()) {
      throw std::logic_error(std::string("OvsdbConnection::") + what +
                             " blocks and must not be called from the io thread");
    }
  }

  void async_connect(const std::string& target, milliseconds timeout, ConnectHandler done) {
    auto endpoint = parse_target(target);
    if (opened_.exchange(true)) {
      throw std::logic_error("OvsdbConnection: connect called twice; make a new connection");
    }
    target_ = target;
    asio::post(strand_,
               [self = shared_from_this(), endpoint, timeout, done = std::move(done)]() mutable {
                 self->start_connect(endpoint, timeout, std::move(done));
               });
  }

  // Ids are taken here, on the caller's thread, so that a blocking call can forget its id.
  uint64_t start_call(std::string method, Json params, ReplyHandler done) {
    const uint64_t id = next_id_++;
    std::string text = Json{{"method", method}, {"params", std::move(params)}, {"id", id}}.dump();
    asio::post(strand_, [self = shared_from_this(), id, method = std::move(method),
                         text = std::move(text), done = std::move(done)]() mutable {
      if (self->state_ != State::kOpen) {
        invoke("reply", done,
               std::make_exception_ptr(
                   OvsdbConnectionError("OVSDB " + method + ": not connected to " + self->target_)),
               Json());
        return;
      }
      self->pending_.emplace(id, Pending{std::move(method), std::move(done)});
      self->enqueue(std::move(text));
    });
    return id;
  }

  // The caller stopped waiting: drop the handler so a late reply is ignored.
  void forget(uint64_t id) {
    asio::post(strand_, [self = shared_from_this(), id] { self->pending_.erase(id); });
  }

  void close() {
    asio::post(strand_, [self = shared_from_this()] { self->shutdown("closed", false); });
  }

  void set_probe_interval(milliseconds interval) {
    asio::post(strand_, [self = shared_from_this(), interval] {
      self->probe_interval_ = interval;
      self->probe_timer_.cancel();
      self->arm_probe();
    });
  }

  GuardedCallback<const std::string&, const Json&> on_notification;
  GuardedCallback<const std::string&> on_disconnect;
  std::atomic<bool> connected{false};
  std::atomic<uint64_t> echoes_answered{0};
  std::string target_;

 private:
  enum class State { kIdle, kConnecting, kOpen, kClosed };
  struct Pending {
    std::string method;
    ReplyHandler done;
  };

  void start_connect(const Protocol::endpoint& endpoint, milliseconds timeout,
                     ConnectHandler done) {
    if (state_ != State::kIdle) {  // closed before the connect got to run
      invoke("connect", done,
             std::make_exception_ptr(OvsdbConnectionError("OVSDB connection to " + target_ +
                                                          " closed while connecting")));
      return;
    }
    state_ = State::kConnecting;
    connect_timer_.expires_after(timeout);
    connect_timer_.async_wait([self = shared_from_this()](error_code ec) {
      if (!ec && self->state_ == State::kConnecting) {
        self->connect_timed_out_ = true;
        error_code ignored;
        self->socket_.close(ignored);  // aborts the connect below
      }
    });
    socket_.async_connect(endpoint, [self = shared_from_this(), done = std::move(done)](
                                        error_code ec) mutable { self->on_connected(ec, done); });
  }

  void on_connected(error_code ec, ConnectHandler& done) {
    connect_timer_.cancel();
    if (state_ != State::kConnecting) {
      invoke("connect", done,
             std::make_exception_ptr(OvsdbConnectionError("OVSDB connection to " + target_ +
                                                          " closed while connecting")));
      return;
    }
    if (ec) {
      state_ = State::kClosed;
      error_code ignored;
      socket_.close(ignored);
      invoke("connect", done,
             std::make_exception_ptr(OvsdbConnectionError(
                 "cannot connect to OVSDB at " + target_ + ": " +
                 (connect_timed_out_ ? std::string("timed out") : ec.message()))));
      return;
    }
    if (target_.rfind("tcp:", 0) == 0) {
      error_code ignored;
      socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
    }
    state_ = State::kOpen;
    connected = true;
    last_received_ = Clock::now();
    read();
    arm_probe();
    invoke("connect", done, std::exception_ptr());
  }

  void read() {
    socket_.async_read_some(
        asio::buffer(buffer_),
        [self = shared_from_this()](error_code ec, size_t n) { self->on_read(ec, n); });
  }

  void on_read(error_code ec, size_t n) {
    if (state_ != State::kOpen) {
      return;
    }
    if (ec) {
      shutdown(ec == asio::error::eof ? "connection closed by the server" : ec.message(), true);
      return;
    }
    last_received_ = Clock::now();
    probe_outstanding_ = false;
    std::vector<std::string> texts;
    try {
      splitter_.feed(std::string_view(buffer_.data(), n), texts);
    } catch (const std::exception& e) {
      shutdown(e.what(), true);
      return;
    }
    for (const auto& text : texts) {
      JsonParseResult parsed = parse_bounded_json(text, kMessageLimits);
      if (!parsed.ok() || !parsed.value.is_object()) {
        shutdown("malformed JSON-RPC message (" + (parsed.ok() ? "not an object" : parsed.reason) +
                     "): " + text_prefix(text, 200),
                 true);
        return;
      }
      dispatch(parsed.value);
      if (state_ != State::kOpen) {  // a handler closed the connection
        return;
      }
    }
    read();
  }

  void dispatch(Json& message) {
    const auto method = message.find("method");
    if (method != message.end()) {
      if (!method->is_string()) {
        shutdown("JSON-RPC request without a method name", true);
        return;
      }
      const Json id = message.value("id", Json());
      const Json params = message.value("params", Json::array());
      if (id.is_null()) {
        invoke("notification", on_notification, method->get_ref<const std::string&>(), params);
      } else if (*method == "echo") {
        // ovsdb-server drops a client that leaves its keepalive unanswered.
        ++echoes_answered;  // first: the peer may see the reply before this thread goes on
        enqueue(Json{{"id", id}, {"result", params}, {"error", nullptr}}.dump());
      } else {
        enqueue(Json{{"id", id}, {"result", nullptr}, {"error", "unknown method"}}.dump());
      }
      return;
    }
    const auto id = message.find("id");
    if (id == message.end() || !id->is_number_unsigned()) {
      return;  // e.g. the reply to our own "echo" probe, whose id is a string
    }
    const auto it = pending_.find(id->get<uint64_t>());
    if (it == pending_.end()) {
      return;  // the caller stopped waiting for it
    }
    Pending pending = std::move(it->second);
    pending_.erase(it);
    const Json error = message.value("error", Json());
    if (!error.is_null()) {
      invoke("reply", pending.done, std::make_exception_ptr(OvsdbRpcError(pending.method, error)),
             Json());
    } else {
      invoke("reply", pending.done, std::exception_ptr(), std::move(message["result"]));
    }
  }

  void enqueue(std::string text) {
    outbox_.push_back(std::move(text));
    if (!writing_) {
      write_next();
    }
  }

  void write_next() {
    writing_ = true;
    asio::async_write(socket_, asio::buffer(outbox_.front()),
                      [self = shared_from_this()](error_code ec, size_t) {
                        self->writing_ = false;
                        if (self->state_ != State::kOpen) {
                          return;
                        }
                        if (ec) {
                          self->shutdown(ec.message(), true);
                          return;
                        }
                        self->outbox_.pop_front();
                        if (!self->outbox_.empty()) {
                          self->write_next();
                        }
                      });
  }

  void arm_probe() {
    if (probe_interval_.count() <= 0 || state_ != State::kOpen) {
      return;
    }
    probe_timer_.expires_after(probe_interval_);
    probe_timer_.async_wait([self = shared_from_this()](error_code ec) {
      if (!ec && self->state_ == State::kOpen) {
        self->on_probe_timer();
      }
    });
  }

  void on_probe_timer() {
    if (Clock::now() - last_received_ >= probe_interval_) {
      if (probe_outstanding_) {
        shutdown("no reply to the inactivity probe within " +
                     std::to_string(probe_interval_.count()) + " ms",
                 true);
        return;
      }
      enqueue(Json{{"method", "echo"}, {"params", Json::array()}, {"id", "echo"}}.dump());
      probe_outstanding_ = true;
    }
    arm_probe();
  }

  void shutdown(const std::string& reason, bool notify) {
    if (state_ == State::kClosed) {
      return;
    }
    const bool was_open = state_ == State::kOpen;
    state_ = State::kClosed;
    connected = false;
    error_code ignored;
    socket_.close(ignored);
    connect_timer_.cancel();
    probe_timer_.cancel();
    auto pending = std::move(pending_);
    pending_.clear();
    for (auto& [id, call] : pending) {
      invoke("reply", call.done,
             std::make_exception_ptr(OvsdbConnectionError(
                 "OVSDB " + call.method + ": connection to " + target_ + " lost: " + reason)),
             Json());
    }
    if (was_open && notify) {
      log::warning("OVSDB connection to ", target_, " lost: ", reason);
      invoke("disconnect", on_disconnect, reason);
    }
  }

  asio::io_context& io_;
  asio::strand<asio::io_context::executor_type> strand_;
  Protocol::socket socket_;
  asio::steady_timer connect_timer_;
  asio::steady_timer probe_timer_;
  std::atomic<bool> opened_{false};
  std::atomic<uint64_t> next_id_{1};
  // Below: touched on the strand only.
  State state_ = State::kIdle;
  bool connect_timed_out_ = false;
  std::map<uint64_t, Pending> pending_;
  std::deque<std::string> outbox_;  // front() is being written while writing_
  bool writing_ = false;
  std::array<char, 65536> buffer_{};
  JsonStreamSplitter splitter_;
  milliseconds probe_interval_{0};
  Clock::time_point last_received_{};
  bool probe_outstanding_ = false;
};

OvsdbConnection::OvsdbConnection(asio::io_context& io) : impl_(std::make_shared<Impl>(io)) {}

OvsdbConnection::~OvsdbConnection() {
  // No callback may run into an owner that is going away; pending replies still get their
  // "closed" error, as asio handlers always complete.
  impl_->on_notification.reset();
  impl_->on_disconnect.reset();
  impl_->close();
}

void OvsdbConnection::async_connect(const std::string& target, milliseconds timeout,
                                    ConnectHandler done) {
  impl_->async_connect(target, timeout, std::move(done));
}

void OvsdbConnection::connect(const std::string& target, milliseconds timeout) {
  impl_->check_not_io_thread("connect");
  auto promise = std::make_shared<std::promise<void>>();
  auto future = promise->get_future();
  impl_->async_connect(target, timeout, [promise](std::exception_ptr error) {
    if (error) {
      promise->set_exception(error);
    } else {
      promise->set_value();
    }
  });
  // The strand enforces `timeout`; the margin covers an io_context that is not running.
  if (future.wait_for(timeout + std::chrono::seconds(1)) != std::future_status::ready) {
    impl_->close();
    throw OvsdbTimeoutError("cannot connect to OVSDB at " + target +
                            ": timed out (is the io_context running?)");
  }
  future.get();
}

void OvsdbConnection::async_call(std::string method, Json params, ReplyHandler done) {
  impl_->start_call(std::move(method), std::move(params), std::move(done));
}

Json OvsdbConnection::call(std::string method, Json params, milliseconds timeout) {
  impl_->check_not_io_thread("call");
  auto promise = std::make_shared<std::promise<Json>>();
  auto future = promise->get_future();
  const std::string what = method;
  const uint64_t id = impl_->start_call(std::move(method), std::move(params),
                                        [promise](std::exception_ptr error, Json result) {
                                          if (error) {
                                            promise->set_exception(error);
                                          } else {
                                            promise->set_value(std::move(result));
                                          }
                                        });
  if (future.wait_for(timeout) != std::future_status::ready) {
    impl_->forget(id);
    throw OvsdbTimeoutError("OVSDB " + what + ": no reply from " + impl_->target_ + " within " +
                            std::to_string(timeout.count()) + " ms");
  }
  return future.get();
}

void OvsdbConnection::set_notification_handler(NotificationHandler handler) {
  impl_->on_notification.set(std::move(handler));
}

void OvsdbConnection::set_disconnect_handler(DisconnectHandler handler) {
  impl_->on_disconnect.set(std::move(handler));
}

void OvsdbConnection::set_probe_interval(milliseconds interval) {
  impl_->set_probe_interval(interval);
}

void OvsdbConnection::close() {
  impl_->close();
}

bool OvsdbConnection::is_connected() const {
  return impl_->connected;
}

const std::string& OvsdbConnection::target() const {
  return impl_->target_;
}

bool OvsdbConnection::in_io_thread() const {
  return impl_->in_io_thread();
}

uint64_t OvsdbConnection::echo_requests_answered() const {
  return impl_->echoes_answered;
}

}  // namespace neutrino::agent::ovs
