#include "dataplane/openflow/session.hpp"

#include <stdexcept>
#include <utility>

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "common/log.hpp"
#include "dataplane/openflow/connection_error.hpp"
#include "dataplane/openflow/message_codec.hpp"

namespace neutrino::dataplane::openflow {

namespace asio = boost::asio;
using boost::system::error_code;

Session::Session(const std::string& path, std::chrono::milliseconds timeout)
    : path_(path), timeout_(timeout), work_(asio::make_work_guard(io_)), socket_(io_) {
  error_code error;
  if (path.size() >= 108) {  // sockaddr_un's limit; asio would throw a bare system_error
    error = asio::error::name_too_long;
  } else {
    socket_.connect(asio::local::stream_protocol::endpoint(path), error);
  }
  if (error) {
    throw ConnectionError("cannot connect to OpenFlow socket " + path + ": " + error.message());
  }
  thread_ = std::thread([this] {
    // A handler that throws must not take the process down: the session fails instead.
    for (;;) {
      try {
        io_.run();
        return;
      } catch (const std::exception& e) {
        log::error("openflow ", path_, ": ", e.what());
        fail(e.what());
      }
    }
  });
  try {
    asio::post(io_, [this] {
      read_header();
      write(MessageCodec::hello(next_xid()));
    });
    std::unique_lock lock(mutex_);
    const bool answered = changed_.wait_for(
        lock, timeout_, [this] { return negotiated_ || refused_.has_value() || closed_; });
    if (refused_) {
      throw *refused_;
    }
    if (!negotiated_) {
      throw ConnectionError("OpenFlow handshake with " + path_ + " failed: " +
                            (answered ? close_reason_ : "no HELLO from the switch in time"));
    }
  } catch (...) {
    stop();
    throw;
  }
}

Session::~Session() {
  stop();
}

void Session::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_.reset();
  // Closing on the session thread cancels the pending reads and writes; run() returns once
  // their handlers have run.
  asio::post(io_, [this] {
    error_code ignored;
    socket_.close(ignored);
  });
  if (thread_.joinable()) {
    thread_.join();
  }
}

bool Session::connected() const {
  std::lock_guard lock(mutex_);
  return !closed_;
}

void Session::set_unsolicited_handler(Handler handler) {
  std::lock_guard lock(mutex_);
  handler_ = std::move(handler);
}

void Session::set_close_handler(CloseHandler handler) {
  std::string reason;
  {
    std::lock_guard lock(mutex_);
    if (!closed_ || stopping_) {
      close_handler_ = std::move(handler);
      return;
    }
    reason = close_reason_;
  }
  if (handler) {
    handler(reason);
  }
}

void Session::check_caller() const {
  // The reply would be read by the very thread that is waiting for it.
  if (std::this_thread::get_id() == thread_.get_id()) {
    throw std::logic_error("blocking OpenFlow call from the session's own thread");
  }
}

void Session::track(std::uint32_t xid, std::string what) {
  std::lock_guard lock(mutex_);
  pending_[xid] = Pending{std::move(what)};
}

void Session::untrack(std::span<const std::uint32_t> xids) {
  std::lock_guard lock(mutex_);
  for (std::uint32_t xid : xids) {
    pending_.erase(xid);
  }
}

void Session::send(std::vector<Message> messages) {
  {
    std::lock_guard lock(mutex_);
    if (closed_) {
      throw ConnectionError("OpenFlow connection to " + path_ + " is closed: " + close_reason_);
    }
  }
  asio::post(io_, [this, messages = std::move(messages)]() mutable {
    for (Message& message : messages) {
      outgoing_.push_back(std::move(message));
    }
    if (!writing_) {
      write_next();
    }
  });
}

std::vector<Message> Session::wait(std::uint32_t xid) {
  check_caller();
  std::unique_lock lock(mutex_);
  Pending& pending = pending_.at(xid);
  // The deadline is for the switch's silence, not the whole answer: each part of a long
  // multipart reply (a dump of 100,000 flows from a busy switch) starts it again.
  std::size_t parts = 0;
  do {
    parts = pending.parts.size();
    changed_.wait_for(lock, timeout_,
                      [&] { return pending.done || closed_ || pending.parts.size() != parts; });
  } while (!pending.done && !closed_ && pending.parts.size() != parts);
  if (pending.done) {
    return std::move(pending.parts);
  }
  if (closed_) {
    throw ConnectionError("OpenFlow connection to " + path_ + " closed: " + close_reason_);
  }
  throw ConnectionError("no answer from the switch on " + path_ + " within " +
                        std::to_string(timeout_.count()) + " ms to " + pending.what);
}

std::vector<OpenFlowError> Session::errors(std::span<const std::uint32_t> xids) const {
  std::lock_guard lock(mutex_);
  std::vector<OpenFlowError> found;
  for (std::uint32_t xid : xids) {
    auto it = pending_.find(xid);
    if (it != pending_.end() && it->second.error) {
      found.push_back(*it->second.error);
    }
  }
  return found;
}

void Session::read_header() {
  asio::async_read(socket_, asio::buffer(header_), [this](const error_code& error, std::size_t) {
    if (error) {
      fail(error == asio::error::eof ? "the switch closed the connection" : error.message());
      return;
    }
    const std::size_t length = MessageCodec::length(header_);
    if (length < MessageCodec::kHeaderSize) {
      fail("malformed OpenFlow header (length " + std::to_string(length) + ")");
      return;
    }
    incoming_.assign(header_.begin(), header_.end());
    incoming_.resize(length);
    if (length == MessageCodec::kHeaderSize) {
      dispatch(std::move(incoming_));
      read_header();
      return;
    }
    read_body();
  });
}

void Session::read_body() {
  auto body = asio::buffer(incoming_.data() + MessageCodec::kHeaderSize,
                           incoming_.size() - MessageCodec::kHeaderSize);
  asio::async_read(socket_, body, [this](const error_code& error, std::size_t) {
    if (error) {
      fail(error == asio::error::eof ? "the switch closed the connection" : error.message());
      return;
    }
    dispatch(std::move(incoming_));
    read_header();
  });
}

void Session::dispatch(Message message) {
  if (state_ != State::kOpen) {
    finish_handshake(message);
    return;
  }
  const MessageKind kind = MessageCodec::kind(message);
  if (kind == MessageKind::kEchoRequest) {
    // The switch's liveness probe: unanswered, it hangs up.
    ++echoes_answered_;
    write(MessageCodec::echo_reply(message));
    return;
  }
  if (kind == MessageKind::kHello) {
    return;
  }
  Handler handler;
  {
    std::lock_guard lock(mutex_);
    auto it = pending_.find(MessageCodec::xid(message));
    if (it != pending_.end() && !it->second.done) {
      Pending& pending = it->second;
      if (kind == MessageKind::kError) {
        pending.error = MessageCodec::decode_error(message).with_request(pending.what);
        pending.done = true;
      } else {
        pending.done = !MessageCodec::more_follows(message);
        pending.parts.push_back(std::move(message));
      }
      changed_.notify_all();
      return;
    }
    handler = handler_;
  }
  if (kind == MessageKind::kError) {
    log::warning("openflow ", path_,
                 ": error for no pending request: ", MessageCodec::decode_error(message).what());
  } else if (handler) {
    handler(message);
  } else if (log::level() <= log::Level::kDebug) {
    log::debug("openflow ", path_, ": ignoring ", MessageCodec::describe(message));
  }
}

void Session::finish_handshake(const Message& message) {
  if (state_ == State::kRefused) {
    return;
  }
  const MessageKind kind = MessageCodec::kind(message);
  if (kind == MessageKind::kHello) {
    if (auto version = MessageCodec::negotiate(message)) {
      version_ = *version;
      state_ = State::kOpen;
      std::lock_guard lock(mutex_);
      negotiated_ = true;
      changed_.notify_all();
      return;
    }
    // OpenFlow: tell the peer why, then hang up.
    state_ = State::kRefused;
    write(MessageCodec::hello_failed(MessageCodec::version(message),
                                     "Neutrino speaks OpenFlow 1.3 only", next_xid()));
    close_when_sent_ = true;
    std::lock_guard lock(mutex_);
    refused_ = MessageCodec::incompatible(message);
    changed_.notify_all();
    return;
  }
  if (kind == MessageKind::kError) {
    state_ = State::kRefused;
    {
      std::lock_guard lock(mutex_);
      refused_ = MessageCodec::decode_error(message);
      changed_.notify_all();
    }
    fail("the switch refused the HELLO");
    return;
  }
  fail("the switch sent " + MessageCodec::describe(message) + " before HELLO");
}

void Session::write(Message message) {
  outgoing_.push_back(std::move(message));
  if (!writing_) {
    write_next();
  }
}

void Session::write_next() {
  if (outgoing_.empty()) {
    writing_ = false;
    if (close_when_sent_) {
      fail("version negotiation failed");
    }
    return;
  }
  writing_ = true;
  asio::async_write(socket_, asio::buffer(outgoing_.front()),
                    [this](const error_code& error, std::size_t) {
                      if (error) {
                        fail(error.message());
                        return;
                      }
                      outgoing_.pop_front();
                      write_next();
                    });
}

void Session::fail(const std::string& reason) {
  bool quiet;
  CloseHandler close_handler;
  {
    std::lock_guard lock(mutex_);
    if (closed_) {
      return;
    }
    closed_ = true;
    close_reason_ = reason;
    quiet = stopping_ || refused_.has_value();
    if (!stopping_) {
      close_handler = std::move(close_handler_);
    }
    changed_.notify_all();
  }
  error_code ignored;
  socket_.close(ignored);
  if (!quiet) {
    log::warning("openflow ", path_, ": connection lost: ", reason);
  }
  if (close_handler) {
    close_handler(reason);
  }
}

}  // namespace neutrino::dataplane::openflow
