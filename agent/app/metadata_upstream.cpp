#include "agent/app/metadata_upstream.hpp"

#include <poll.h>

#include <boost/beast/core.hpp>

namespace neutrino::agent {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using Clock = std::chrono::steady_clock;

struct MetadataUpstream::Exchange {
  Exchange(asio::io_context& io, Request r, Handler h)
      : request(std::move(r)), handler(std::move(h)), queue_timer(io) {}
  Request request;
  Handler handler;
  Clock::time_point deadline;
  asio::steady_timer queue_timer;  // armed while the request waits for a free slot
  bool retried = false;
  bool done = false;
};

struct MetadataUpstream::Connection {
  explicit Connection(asio::io_context& io) : stream(io) {}
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  std::optional<http::response_parser<http::string_body>> parser;
  Clock::time_point idle_since;
  bool reused = false;
};

namespace {

// A kept connection the controller closed (or wrote to unasked) is readable: not reusable.
bool looks_alive(tcp::socket& socket) {
  if (!socket.is_open()) {
    return false;
  }
  pollfd fd{socket.native_handle(), POLLIN | POLLRDHUP, 0};
  return ::poll(&fd, 1, 0) == 0;
}

}  // namespace

MetadataUpstream::MetadataUpstream(asio::io_context& io, std::string host, uint16_t port,
                                   MetadataUpstreamLimits limits)
    : io_(io), host_(std::move(host)), port_(port), resolver_(io), limits_(limits) {
  error_code ec;
  const auto address = asio::ip::make_address(host_, ec);
  if (!ec) {
    address_ = address;
  }
}

MetadataUpstream::~MetadataUpstream() = default;

void MetadataUpstream::async_send(Request request, Handler handler) {
  auto exchange = std::make_shared<Exchange>(io_, std::move(request), std::move(handler));
  exchange->deadline = Clock::now() + limits_.answer_timeout;
  if (in_flight_ < limits_.max_connections) {
    return start(exchange);
  }
  if (queue_.size() >= limits_.max_queued) {
    return finish(exchange, asio::error::make_error_code(asio::error::no_buffer_space));
  }
  queue_.push_back(exchange);
  exchange->queue_timer.expires_at(exchange->deadline);
  exchange->queue_timer.async_wait([self = shared_from_this(), exchange](error_code ec) {
    if (ec || exchange->done) {
      return;  // dequeued (cancelled) or already answered
    }
    std::erase(self->queue_, exchange);
    self->finish(exchange, beast::error::timeout);
  });
}

void MetadataUpstream::start(const ExchangePtr& exchange) {
  ++in_flight_;
  if (auto connection = take_idle()) {
    ++stats_.reused;
    return send(exchange, connection);
  }
  connect(exchange);
}

MetadataUpstream::ConnectionPtr MetadataUpstream::take_idle() {
  const auto now = Clock::now();
  while (!idle_.empty()) {
    ConnectionPtr connection = std::move(idle_.back());
    idle_.pop_back();
    if (now - connection->idle_since < limits_.idle_timeout &&
        looks_alive(connection->stream.socket())) {
      return connection;
    }
    connection->stream.close();
  }
  return nullptr;
}

void MetadataUpstream::connect(const ExchangePtr& exchange) {
  auto connection = std::make_shared<Connection>(io_);
  ++stats_.connections_opened;
  if (address_) {
    return connect_to(exchange, connection, tcp::endpoint(*address_, port_));
  }
  resolver_.async_resolve(
      host_, std::to_string(port_),
      [self = shared_from_this(), exchange, connection](error_code ec,
                                                        tcp::resolver::results_type results) {
        if (ec || results.empty()) {
          return self->failed(exchange, connection,
                              ec ? ec : asio::error::make_error_code(asio::error::host_not_found),
                              false);
        }
        self->connect_to(exchange, connection, *results.begin());
      });
}

void MetadataUpstream::connect_to(const ExchangePtr& exchange, const ConnectionPtr& connection,
                                  const tcp::endpoint& endpoint) {
  connection->stream.expires_at(
      std::min(exchange->deadline, Clock::now() + limits_.connect_timeout));
  connection->stream.async_connect(
      endpoint, [self = shared_from_this(), exchange, connection](error_code ec) {
        if (ec) {
          return self->failed(exchange, connection, ec, false);
        }
        error_code ignored;
        connection->stream.socket().set_option(tcp::no_delay(true), ignored);
        self->send(exchange, connection);
      });
}

void MetadataUpstream::send(const ExchangePtr& exchange, const ConnectionPtr& connection) {
  connection->stream.expires_at(exchange->deadline);
  http::async_write(connection->stream, exchange->request,
                    [self = shared_from_this(), exchange, connection](error_code ec, size_t) {
                      if (ec) {
                        return self->failed(exchange, connection, ec, false);
                      }
                      self->receive(exchange, connection);
                    });
}

void MetadataUpstream::receive(const ExchangePtr& exchange, const ConnectionPtr& connection) {
  auto& parser = connection->parser.emplace();
  parser.body_limit(limits_.max_answer_bytes);
  if (exchange->request.method() == http::verb::head) {
    parser.skip(true);  // the answer announces the GET body's length but carries none
  }
  http::async_read(connection->stream, connection->buffer, parser,
                   [self = shared_from_this(), exchange, connection](error_code ec, size_t) {
                     if (ec) {
                       return self->failed(exchange, connection, ec,
                                           connection->parser->got_some());
                     }
                     Response response = connection->parser->release();
                     const bool keep = response.keep_alive();
                     self->release(connection, keep);
                     self->finish(exchange, {}, std::move(response));
                   });
}

void MetadataUpstream::failed(const ExchangePtr& exchange, const ConnectionPtr& connection,
                              error_code ec, bool answer_started) {
  const bool retry = connection->reused && !answer_started && !exchange->retried &&
                     ec != beast::error::timeout && Clock::now() < exchange->deadline;
  connection->stream.close();
  if (retry) {
    exchange->retried = true;
    ++stats_.retried;
    return connect(exchange);  // keeps its slot
  }
  release(nullptr, false);
  finish(exchange, ec);
}

void MetadataUpstream::release(const ConnectionPtr& connection, bool keep) {
  if (connection) {
    if (keep && idle_.size() < limits_.max_idle) {
      connection->stream.expires_never();
      connection->idle_since = Clock::now();
      connection->reused = true;
      connection->parser.reset();
      idle_.push_back(connection);
    } else {
      connection->stream.close();
    }
  }
  --in_flight_;
  while (in_flight_ < limits_.max_connections && !queue_.empty()) {
    ExchangePtr next = std::move(queue_.front());
    queue_.pop_front();
    next->queue_timer.cancel();
    if (Clock::now() >= next->deadline) {
      finish(next, beast::error::timeout);
      continue;
    }
    start(next);
  }
}

void MetadataUpstream::finish(const ExchangePtr& exchange, error_code ec, Response response) {
  if (exchange->done) {
    return;
  }
  exchange->done = true;
  // Posted, so a handler never runs inside async_send() or under this object's bookkeeping.
  asio::post(io_, [handler = std::move(exchange->handler), ec,
                   response = std::move(response)]() mutable { handler(ec, std::move(response)); });
}

void MetadataUpstream::close() {
  for (auto& connection : idle_) {
    connection->stream.close();
  }
  idle_.clear();
  auto queued = std::move(queue_);
  queue_.clear();
  for (auto& exchange : queued) {
    exchange->queue_timer.cancel();
    finish(exchange, asio::error::operation_aborted);
  }
}

MetadataUpstream::Stats MetadataUpstream::stats() const {
  Stats out = stats_;
  out.in_flight = in_flight_;
  out.idle = idle_.size();
  out.queued = queue_.size();
  return out;
}

}  // namespace neutrino::agent
