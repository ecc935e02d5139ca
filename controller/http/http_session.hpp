#pragma once
// One client connection of HttpServer, private to the server. The same template serves plain
// TCP (beast::tcp_stream) and HTTPS (beast::ssl_stream<beast::tcp_stream>).
//
// A request is read in two steps, the header and then the body, each with its own deadline;
// only then is it handed to the handler pool, and the next request is read only after the
// response is written, so pipelined requests are answered in order. After the header a route
// may take the body as a stream (ServerOptions::streaming): the session then reads it chunk by
// chunk and hands each chunk to the route's sink on the handler pool (session_stream.hpp has
// the deadlines). While a connection waits for a request or reads a header it is "sheddable"
// (see ConnectionRegistry). Every continuation runs on the connection's strand.
#include <array>
#include <chrono>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "controller/http/connection_registry.hpp"
#include "controller/http/http_exchange.hpp"
#include "controller/http/http_server.hpp"
#include "controller/http/stream_allowance.hpp"

namespace neutrino::http::detail {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

// What every session needs from the server; owned by the server, which outlives its sessions.
struct SessionSettings {
  const ServerOptions* options = nullptr;
  const RequestHandler* handler = nullptr;
  ConnectionRegistry* registry = nullptr;
  net::thread_pool* handlers = nullptr;  // where requests are handled
};

template <class Stream>
class Session : public Connection, public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  // StreamArgs construct the stream: (socket) for plain, (socket, ssl context) for TLS.
  template <class... StreamArgs>
  explicit Session(const SessionSettings& settings, StreamArgs&&... args)
      : stream_(std::forward<StreamArgs>(args)...),
        stall_timer_(stream_.get_executor()),
        settings_(settings),
        options_(*settings.options) {
    error_code ec;
    const auto peer = lowest().socket().remote_endpoint(ec);
    if (!ec) {
      remote_address_ = peer.address().to_string();
    }
  }
  ~Session() override { settings_.registry->remove(this); }

  // An admitted connection: its first request must have arrived whole by the header deadline.
  void start() {
    run([](Session& self) {
      self.lowest().expires_after(self.options_.header_timeout);
      self.handshake([](Session& s) { s.read_header(); });
    });
  }

  // A connection over the limit: answered 503 with Retry-After, then closed.
  void refuse() {
    run([](Session& self) {
      self.linger_timeout_ = kRefusalTimeout;
      self.lowest().expires_after(kRefusalTimeout);
      self.handshake([](Session& s) {
        WireResponse response =
            error_response(s.options_.render_error, 503, "HTTPServiceUnavailable",
                           "The server is handling too many connections; retry later.");
        response.set(bhttp::field::retry_after, std::to_string(s.options_.retry_after.count()));
        s.reply_and_close(std::move(response), kRefusalTimeout);
      });
    });
  }

  // Safe from any thread: the close runs on the connection's strand.
  void close() override {
    net::post(stream_.get_executor(), [self = this->shared_from_this()] { self->abort(); });
  }

 private:
  // Bounds how long a closing connection is drained so the client still sees our answer.
  static constexpr auto kLingerTimeout = std::chrono::seconds(5);
  // A refused connection gets less: refusals happen when the server is busiest.
  static constexpr auto kRefusalTimeout = std::chrono::seconds(1);

  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  template <class Step>
  void run(Step step) {
    net::dispatch(stream_.get_executor(), [self = this->shared_from_this(), step] { step(*self); });
  }

  template <class Next>
  void handshake(Next next) {
    if constexpr (kTls) {
      stream_.async_handshake(net::ssl::stream_base::server,
                              [self = this->shared_from_this(), next](error_code ec) {
                                if (ec) {
                                  return self->abort();
                                }
                                next(*self);
                              });
    } else {
      next(*this);
    }
  }

  void sheddable(bool value) { settings_.registry->set_sheddable(this, value); }

  // Keep-alive: wait (sheddable, up to the idle timeout) for the next request's first byte.
  void await_request() {
    sheddable(true);
    if (buffer_.size() > 0) {  // pipelined: the next request is here already
      lowest().expires_after(options_.header_timeout);
      return read_header();
    }
    if (options_.idle_timeout.count() > 0) {
      lowest().expires_after(options_.idle_timeout);
    } else {
      lowest().expires_never();
    }
    stream_.async_read_some(buffer_.prepare(1024),
                            [self = this->shared_from_this()](error_code ec, size_t n) {
                              if (ec) {
                                return self->abort();
                              }
                              self->buffer_.commit(n);
                              self->lowest().expires_after(self->options_.header_timeout);
                              self->read_header();
                            });
  }

  // The deadline for the header was set by the caller: it runs from the request's start.
  void read_header() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(options_.max_header_bytes));
    // The body's length is judged once the header is in, where the path is known.
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](error_code ec, size_t) { self->on_header(ec); });
  }

  void on_header(error_code ec) {
    if (ec == bhttp::error::header_limit) {
      return refuse_request(400, "HTTPBadRequest", "Request header is too large.", "");
    }
    // partial_message means the peer went away mid-request: nobody is left to answer.
    if (ec && ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
        ec != bhttp::error::partial_message && ec != bhttp::error::end_of_stream) {
      return refuse_request(400, "HTTPBadRequest", "Malformed request.", "");
    }
    if (ec) {
      return abort();  // end of stream, deadline, reset or close() from the server
    }
    sheddable(false);  // a request is admitted: it is read, handled and answered
    const WireRequest& header = parser_->get();
    const std::string path = path_of(header);
    switch (check_header_lines(header, options_.max_header_line)) {
      case HeaderProblem::kRequestLineTooLong:
        return refuse_request(414, "HTTPRequestURITooLong", "Request line is too long.", path);
      case HeaderProblem::kHeaderLineTooLong:
        return refuse_request(400, "HTTPBadRequest", "Header line is too long.", path);
      case HeaderProblem::kNone:
        break;
    }
    if (streams(header, path)) {
      return start_stream();
    }
    const auto length = parser_->content_length();
    if (length && *length > options_.max_body_bytes) {
      return refuse_request(413, "HTTPRequestEntityTooLarge", "Request is too large.", path);
    }
    if (parser_->is_done()) {
      return dispatch();
    }
    parser_->body_limit(options_.max_body_bytes);  // chunked bodies announce no length
    lowest().expires_after(transfer_time(length.value_or(options_.max_body_bytes)));
    if (beast::iequals(header[bhttp::field::expect], "100-continue")) {
      return send_continue([](Session& s) { s.read_body(); });
    }
    read_body();
  }

  // Time allowed to move `bytes` in one direction: the base timeout plus the minimum rate.
  std::chrono::milliseconds transfer_time(uint64_t bytes) const {
    const uint64_t rate = std::max<uint64_t>(options_.min_body_rate, 1);
    return options_.body_timeout + std::chrono::milliseconds(bytes * 1000 / rate);
  }

  // The client waits for this before sending its body (curl does for large ones).
  template <class Next>
  void send_continue(Next next) {
    net::async_write(stream_, net::buffer(kContinue, sizeof kContinue - 1),
                     [self = this->shared_from_this(), next](error_code ec, size_t) {
                       if (ec) {
                         return self->abort();
                       }
                       next(*self);
                     });
  }

  void read_body() {
    bhttp::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](error_code ec, size_t) { self->on_body(ec); });
  }

  void on_body(error_code ec) {
    if (ec == bhttp::error::body_limit) {
      return refuse_request(413, "HTTPRequestEntityTooLarge", "Request is too large.",
                            path_of(parser_->get()));
    }
    if (ec && ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
        ec != bhttp::error::partial_message && ec != bhttp::error::end_of_stream) {
      return refuse_request(400, "HTTPBadRequest", "Malformed request.", path_of(parser_->get()));
    }
    if (ec) {
      return abort();
    }
    dispatch();
  }

  // The handler may block on the store: it runs on the handler pool, never on an I/O thread.
  void dispatch() {
    lowest().expires_never();  // nothing is read while the request is handled
    net::post(*settings_.handlers, [self = this->shared_from_this(),
                                    wire = parser_->release()]() mutable {
      Outgoing response = answer(std::move(wire), *self->settings_.handler, self->remote_address_,
                                 kTls, self->options_.keep_alive);
      net::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
        self->write(std::move(response));
      });
    });
  }

  void write(Outgoing response) {
    response_ = std::move(response);
    const bool keep_alive = std::visit([](const auto& m) { return m.keep_alive(); }, response_);
    lowest().expires_after(transfer_time(body_bytes(response_)));
    send_response([keep_alive](Session& self, error_code ec) {
      if (ec) {
        return self.abort();
      }
      if (keep_alive) {
        return self.await_request();
      }
      self.finish();
    });
  }

  // Writes response_ (a string or a file body), then calls done(*this, ec).
  template <class Done>
  void send_response(Done done) {
    std::visit(
        [&](auto& message) {
          bhttp::async_write(
              stream_, message,
              [self = this->shared_from_this(), done](error_code ec, size_t) { done(*self, ec); });
        },
        response_);
  }

  // For errors after which the rest of the input cannot be trusted (too large, unparseable).
  void refuse_request(int status, const std::string& type, const std::string& message,
                      const std::string& path) {
    reply_and_close(error_response(options_.render_error, status, type, message, path, version()),
                    transfer_time(0));
  }

  void reply_and_close(WireResponse response, std::chrono::milliseconds deadline) {
    sheddable(true);  // closing anyway: the first to go if room is needed
    response.keep_alive(false);
    response_ = std::move(response);
    lowest().expires_after(deadline);
    send_response([](Session& self, error_code ec) {
      if (ec) {
        return self.abort();
      }
      self.linger();
    });
  }

  // Ends a connection after a response that said "Connection: close".
  void finish() {
    sheddable(true);
    if constexpr (kTls) {
      lowest().expires_after(kLingerTimeout);
      stream_.async_shutdown([self = this->shared_from_this()](error_code) { self->abort(); });
    } else {
      linger();
    }
  }

  // Closing a socket with unread input makes the kernel send RST, which can destroy the
  // response before the client reads it (the 413 case: the body is still arriving). So shut
  // down our side, then discard input until the client closes or the linger time is up.
  void linger() {
    error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
    lowest().expires_after(linger_timeout_);
    drain();
  }

  void drain() {
    if (!drain_buffer_) {
      drain_buffer_ = std::make_unique<std::array<char, 16 * 1024>>();  // only while closing
    }
    lowest().async_read_some(net::buffer(*drain_buffer_),
                             [self = this->shared_from_this()](error_code ec, size_t) {
                               if (ec) {
                                 return self->abort();
                               }
                               self->drain();
                             });
  }

  // --- Streamed bodies -------------------------------------------------------------------

  bool streams(const WireRequest& header, const std::string& path) const {
    const BodyStreaming& streaming = options_.streaming;
    return streaming.wants && streaming.start && !parser_->is_done() &&
           streaming.wants(std::string(header.method_string()), path);
  }

  // The route decides on the handler pool (it may check a token, the store): a sink, or a
  // response that ends the request unread.
  void start_stream() {
    lowest().expires_never();
    Request head = head_of(parser_->get(), remote_address_, kTls);
    net::post(
        *settings_.handlers, [self = this->shared_from_this(), head = std::move(head)]() mutable {
          StreamStart start = guarded_step("starting " + head.method + " " + head.target,
                                           [&] { return self->options_.streaming.start(head); });
          net::post(self->stream_.get_executor(), [self, start = std::move(start)]() mutable {
            self->on_stream_start(std::move(start));
          });
        });
  }

  void on_stream_start(StreamStart start) {
    if (auto* refused = std::get_if<Response>(&start)) {
      return reply_and_close(to_wire_response(std::move(*refused), version(), false),
                             transfer_time(0));
    }
    sink_ = std::move(std::get<std::unique_ptr<BodySink>>(start));
    const bool expect_continue =
        beast::iequals(parser_->get()[bhttp::field::expect], "100-continue");
    body_parser_.emplace(std::move(*parser_));
    parser_.reset();
    body_parser_->body_limit(std::numeric_limits<std::uint64_t>::max());  // the sink's cap
    allowance_ = StreamAllowance(options_.body_timeout, options_.min_body_rate);
    chunk_.resize(kChunkBytes);
    if (expect_continue) {
      return send_continue([](Session& s) { s.read_chunk(); });
    }
    read_chunk();
  }

  // Our own timer, not the stream's expiry: that one closes the socket, and a client that
  // stalls mid-upload should still read why its upload failed.
  void read_chunk() {
    auto& body = body_parser_->get().body();
    body.data = chunk_.data();
    body.size = chunk_.size();
    stalled_ = false;
    stall_timer_.expires_after(allowance_.next_read(chunk_.size()));
    stall_timer_.async_wait([self = this->shared_from_this()](error_code ec) {
      if (!ec) {
        self->stalled_ = true;
        error_code ignored;
        self->lowest().socket().cancel(ignored);
      }
    });
    allowance_.reading();
    bhttp::async_read(
        stream_, buffer_, *body_parser_,
        [self = this->shared_from_this()](error_code ec, size_t) { self->on_chunk(ec); });
  }

  void on_chunk(error_code ec) {
    stall_timer_.cancel();
    if (ec == bhttp::error::need_buffer) {
      ec = {};  // the chunk buffer is full
    }
    const size_t n = chunk_.size() - body_parser_->get().body().size;
    allowance_.received(n);
    if (ec) {
      return stream_failed(ec);
    }
    const bool done = body_parser_->is_done();
    net::post(*settings_.handlers, [self = this->shared_from_this(), n, done] {
      const std::string what = "streaming a request body";
      std::optional<Response> answer = guarded_step(what, [&] {
        return n > 0 ? self->sink_->write(std::string_view(self->chunk_.data(), n)) : std::nullopt;
      });
      if (!answer && done) {
        answer = guarded_step(what, [&] { return self->sink_->finish(); });
      }
      net::post(self->stream_.get_executor(), [self, done, answer = std::move(answer)]() mutable {
        self->on_chunk_taken(done, std::move(answer));
      });
    });
  }

  void on_chunk_taken(bool done, std::optional<Response> answer) {
    if (!answer) {
      return read_chunk();
    }
    sink_.reset();
    const bool keep_alive = options_.keep_alive && body_parser_->get().keep_alive();
    WireResponse wire = to_wire_response(std::move(*answer), version(), keep_alive && done);
    body_parser_.reset();
    if (!done) {
      // The sink stopped the upload: the rest of the body is never read.
      return reply_and_close(std::move(wire), transfer_time(0));
    }
    write(std::move(wire));
  }

  // The body did not arrive whole: the sink undoes its work on the handler pool, and its
  // answer is sent if the client can still read it (it stalled, or broke the framing).
  void stream_failed(error_code ec) {
    const bool stalled = stalled_;
    const bool malformed =
        ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
        ec != bhttp::error::partial_message && ec != bhttp::error::end_of_stream;
    const std::string why = stalled     ? "the client sent no data for too long"
                            : malformed ? "malformed body: " + ec.message()
                                        : "the connection closed before the body was complete";
    net::post(*settings_.handlers, [self = this->shared_from_this(), why, stalled, malformed] {
      Response answer =
          guarded_step("failing a streamed body", [&] { return self->sink_->fail(why); });
      net::post(self->stream_.get_executor(),
                [self, stalled, malformed, answer = std::move(answer)]() mutable {
                  self->sink_.reset();
                  const unsigned version = self->version();
                  self->body_parser_.reset();
                  if (!stalled && !malformed) {
                    return self->abort();
                  }
                  self->reply_and_close(to_wire_response(std::move(answer), version, false),
                                        self->transfer_time(0));
                });
    });
  }

  unsigned version() const {
    if (body_parser_) {
      return body_parser_->get().version();
    }
    return parser_ && parser_->is_header_done() ? parser_->get().version() : 11;
  }

  void abort() {
    stall_timer_.cancel();
    settings_.registry->remove(this);
    error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    lowest().close();
  }

  static constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
  static constexpr size_t kChunkBytes = 256 * 1024;

  Stream stream_;
  net::steady_timer stall_timer_;  // a streamed body's read deadline
  const SessionSettings& settings_;
  const ServerOptions& options_;
  std::string remote_address_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  Outgoing response_;  // must outlive async_write
  // While a body streams: its parser, its sink, the chunk being read or handed over, and
  // whether the last read was cut off by its deadline.
  std::optional<bhttp::request_parser<bhttp::buffer_body>> body_parser_;
  std::unique_ptr<BodySink> sink_;
  std::vector<char> chunk_;
  bool stalled_ = false;
  StreamAllowance allowance_;
  std::unique_ptr<std::array<char, 16 * 1024>> drain_buffer_;
  std::chrono::steady_clock::duration linger_timeout_ = kLingerTimeout;
};

}  // namespace neutrino::http::detail
