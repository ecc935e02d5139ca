#pragma once
// One client connection of HttpServer, private to http_server.cpp. The same template serves
// plain TCP (beast::tcp_stream) and HTTPS (beast::ssl_stream<beast::tcp_stream>). Requests are
// read one at a time and the next is read only after the response is written, so pipelined
// requests are answered in order. Every continuation runs on the connection's strand.
#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "controller/http/http_server.hpp"

namespace neutrino::http::detail {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;
using WireRequest = bhttp::request<bhttp::string_body>;
using WireResponse = bhttp::response<bhttp::string_body>;

// What every session needs from the server; owned by the server, which outlives its sessions.
struct SessionSettings {
  const RequestHandler* handler = nullptr;
  size_t max_body_bytes = 0;
};

// Implemented in http_server.cpp so the template below stays I/O only.
WireResponse answer(WireRequest&& wire, const SessionSettings& settings,
                    const std::string& remote_address, bool secure);
WireResponse error_response(int status, const std::string& type, const std::string& message);

// Lets the server close connections without knowing their stream type.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void close() = 0;
};

template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  // StreamArgs construct the stream: (socket) for plain, (socket, ssl context) for TLS.
  template <class... StreamArgs>
  explicit Session(const SessionSettings& settings, StreamArgs&&... args)
      : stream_(std::forward<StreamArgs>(args)...), settings_(settings) {}

  void start() {
    error_code ec;
    const auto peer = lowest().socket().remote_endpoint(ec);
    if (!ec) {
      remote_address_ = peer.address().to_string();
    }
    net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] { self->begin(); });
  }

  // Safe from any thread: the close runs on the connection's strand.
  void close() override {
    net::post(stream_.get_executor(), [self = this->shared_from_this()] { self->abort(); });
  }

 private:
  // Idle keep-alive connections and slow peers are dropped after this long.
  static constexpr auto kIdleTimeout = std::chrono::seconds(60);
  // Bounds how long a closing connection is drained so the client still sees our answer.
  static constexpr auto kLingerTimeout = std::chrono::seconds(5);

  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  void begin() {
    if constexpr (kTls) {
      lowest().expires_after(kIdleTimeout);
      stream_.async_handshake(net::ssl::stream_base::server,
                              [self = this->shared_from_this()](error_code ec) {
                                if (ec) {
                                  return self->abort();
                                }
                                self->read_next();
                              });
    } else {
      read_next();
    }
  }

  void read_next() {
    parser_.emplace();
    parser_->body_limit(settings_.max_body_bytes);
    lowest().expires_after(kIdleTimeout);
    bhttp::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](error_code ec, size_t) { self->on_read(ec); });
  }

  void on_read(error_code ec) {
    if (ec == bhttp::error::body_limit) {
      return reply_and_close(
          error_response(413, "HTTPRequestEntityTooLarge", "Request is too large."));
    }
    // partial_message means the peer went away mid-request: nobody is left to answer.
    if (ec && ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
        ec != bhttp::error::partial_message && ec != bhttp::error::end_of_stream) {
      return reply_and_close(error_response(400, "HTTPBadRequest", "Malformed request."));
    }
    if (ec) {
      return abort();  // end of stream, timeout, reset or close() from the server
    }
    // The handler may block; other connections are served by the remaining io threads.
    response_ = answer(parser_->release(), settings_, remote_address_, kTls);
    const bool keep_alive = response_.keep_alive();
    lowest().expires_after(kIdleTimeout);
    bhttp::async_write(stream_, response_,
                       [self = this->shared_from_this(), keep_alive](error_code ec, size_t) {
                         if (ec) {
                           return self->abort();
                         }
                         if (keep_alive) {
                           return self->read_next();
                         }
                         self->finish();
                       });
  }

  // For errors after which the rest of the input cannot be trusted (too large, unparseable).
  void reply_and_close(WireResponse response) {
    response_ = std::move(response);
    response_.keep_alive(false);
    lowest().expires_after(kIdleTimeout);
    bhttp::async_write(stream_, response_,
                       [self = this->shared_from_this()](error_code ec, size_t) {
                         if (ec) {
                           return self->abort();
                         }
                         self->linger();
                       });
  }

  // Ends a connection after a response that said "Connection: close".
  void finish() {
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
    lowest().expires_after(kLingerTimeout);
    drain();
  }

  void drain() {
    lowest().async_read_some(net::buffer(drain_buffer_),
                             [self = this->shared_from_this()](error_code ec, size_t) {
                               if (ec) {
                                 return self->abort();
                               }
                               self->drain();
                             });
  }

  void abort() {
    error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    lowest().close();
  }

  Stream stream_;
  const SessionSettings& settings_;
  std::string remote_address_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  WireResponse response_;  // must outlive async_write
  std::array<char, 16 * 1024> drain_buffer_{};
};

}  // namespace neutrino::http::detail
