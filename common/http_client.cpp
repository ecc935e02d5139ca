#include "common/http_client.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <limits>
#include <optional>
#include <stdexcept>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace neutrino {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

std::string lower(std::string out) {
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool is_ip_literal(const std::string& host) {
  error_code ec;
  net::ip::make_address(host, ec);
  return !ec;
}

}  // namespace

class HttpClient::Impl {
 public:
  Impl(std::string host, uint16_t port, bool tls)
      : host_(std::move(host)), port_(port), tls_(tls) {}
  ~Impl() { close(); }

  Result request(const std::string& method, const std::string& target, std::string body,
                 const std::vector<std::pair<std::string, std::string>>& headers) {
    const auto wire = build(method, target, std::move(body), headers);
    for (int attempt = 0;; ++attempt) {
      bool fresh = false;
      if (!connected() || peer_closed()) {
        connect();
        fresh = true;
      }
      bhttp::response_parser<bhttp::string_body> parser;
      parser.body_limit(std::numeric_limits<std::uint64_t>::max());  // list calls can be big
      parser.skip(wire.method() == bhttp::verb::head);               // HEAD answers carry no body
      const error_code ec =
          tls_ ? exchange(*secure_, wire, parser) : exchange(*plain_, wire, parser);
      if (!ec) {
        Result result = to_result(parser.release());
        if (closes_) {
          close();
        }
        return result;
      }
      close();
      // Only a stale keep-alive connection is worth a second try; a fresh connection failing
      // or a response cut short is a real error, and a timeout would only double the wait.
      const bool retry =
          !fresh && attempt == 0 && !parser.got_some() && ec != beast::error::timeout;
      if (!retry) {
        throw std::runtime_error("HTTP " + method + " " + target + " to " + where() +
                                 " failed: " + ec.message());
      }
    }
  }

  void close() {
    error_code ignored;
    if (plain_) {
      plain_->socket().shutdown(tcp::socket::shutdown_both, ignored);
      plain_->close();
    }
    if (secure_) {
      // No TLS close_notify: the server treats a plain TCP close the same way and we would
      // only wait for its reply.
      beast::get_lowest_layer(*secure_).socket().shutdown(tcp::socket::shutdown_both, ignored);
      beast::get_lowest_layer(*secure_).close();
    }
    plain_.reset();
    secure_.reset();
    buffer_.clear();
  }

  // Settings that change the TLS context take effect on the next connection.
  void reset_tls_context() {
    ssl_.reset();
    close();
  }

  std::chrono::milliseconds timeout_{std::chrono::seconds(30)};
  bool verify_ = true;
  std::string ca_file_;
  size_t connections_ = 0;

 private:
  bhttp::request<bhttp::string_body> build(
      const std::string& method, const std::string& target, std::string body,
      const std::vector<std::pair<std::string, std::string>>& headers) const {
    bhttp::request<bhttp::string_body> wire;
    wire.method_string(method);
    wire.target(target);
    wire.version(11);
    for (const auto& [name, value] : headers) {
      wire.insert(name, value);
    }
    if (wire.find(bhttp::field::host) == wire.end()) {
      wire.set(bhttp::field::host, host_ + ":" + std::to_string(port_));
    }
    if (wire.find(bhttp::field::user_agent) == wire.end()) {
      wire.set(bhttp::field::user_agent, "neutrino-http-client");
    }
    if (!body.empty() && wire.find(bhttp::field::content_type) == wire.end()) {
      wire.set(bhttp::field::content_type, "application/json");
    }
    wire.body() = std::move(body);
    wire.prepare_payload();
    return wire;
  }

  Result to_result(bhttp::response<bhttp::string_body>&& wire) {
    Result result;
    result.status = static_cast<int>(wire.result_int());
    for (const auto& field : wire) {
      const std::string value(field.value());
      auto [it, inserted] = result.headers.emplace(lower(std::string(field.name_string())), value);
      if (!inserted) {
        it->second += ", " + value;
      }
    }
    closes_ = wire.need_eof();
    result.body = std::move(wire.body());
    return result;
  }

  template <class Stream>
  error_code exchange(Stream& stream, const bhttp::request<bhttp::string_body>& wire,
                      bhttp::response_parser<bhttp::string_body>& parser) {
    beast::get_lowest_layer(stream).expires_after(timeout_);
    error_code ec = run([&](auto handler) { bhttp::async_write(stream, wire, handler); });
    if (ec) {
      return ec;
    }
    beast::get_lowest_layer(stream).expires_after(timeout_);
    return run([&](auto handler) { bhttp::async_read(stream, buffer_, parser, handler); });
  }

  // Runs one asynchronous operation to completion. Async operations on beast::tcp_stream are
  // the only way Beast offers timeouts, so the blocking API is built on them.
  template <class Start>
  error_code run(Start&& start) {
    error_code result = net::error::would_block;
    start([&result](error_code ec, auto&&...) { result = ec; });
    io_.restart();
    io_.run();
    return result;
  }

  bool connected() const { return plain_ || secure_; }

  beast::tcp_stream& lowest() { return tls_ ? beast::get_lowest_layer(*secure_) : *plain_; }

  // A server that closed an idle connection has left EOF in our receive queue. Peeking
  // finds that before we send, which avoids most retries. Bytes waiting on a TLS connection
  // may be session tickets, so only EOF or an error counts there.
  bool peer_closed() {
    char byte = 0;
    const ssize_t n = ::recv(lowest().socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n < 0) {
      return errno != EAGAIN && errno != EWOULDBLOCK;
    }
    return n == 0 || !tls_;
  }

  void connect() {
    close();
    tcp::resolver resolver(io_);
    error_code ec;
    const auto endpoints = resolver.resolve(host_, std::to_string(port_), ec);
    if (ec) {
      throw std::runtime_error("cannot resolve " + host_ + ": " + ec.message());
    }
    if (tls_) {
      secure_ = std::make_unique<TlsStream>(io_, tls_context());
      configure_verification(*secure_);
    } else {
      plain_ = std::make_unique<beast::tcp_stream>(io_);
    }
    lowest().expires_after(timeout_);
    ec = run([&](auto handler) { lowest().async_connect(endpoints, handler); });
    if (!ec) {
      lowest().socket().set_option(tcp::no_delay(true), ec);
    }
    if (!ec && tls_) {
      lowest().expires_after(timeout_);
      ec = run(
          [&](auto handler) { secure_->async_handshake(net::ssl::stream_base::client, handler); });
    }
    if (ec) {
      close();
      throw std::runtime_error("cannot connect to " + where() + ": " + ec.message());
    }
    ++connections_;
  }

  net::ssl::context& tls_context() {
    if (!ssl_) {
      ssl_.emplace(net::ssl::context::tls_client);
      ssl_->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                        net::ssl::context::no_sslv3);
      if (verify_) {
        error_code ec;
        if (ca_file_.empty()) {
          ssl_->set_default_verify_paths(ec);
        } else {
          ssl_->load_verify_file(ca_file_, ec);
        }
        if (ec) {
          ssl_.reset();
          throw std::runtime_error("cannot load trusted certificates " + ca_file_ + ": " +
                                   ec.message());
        }
      }
    }
    return *ssl_;
  }

  void configure_verification(TlsStream& stream) {
    SSL* ssl = stream.native_handle();
    const bool ip = is_ip_literal(host_);
    if (!ip) {
      SSL_set_tlsext_host_name(ssl, host_.c_str());  // SNI must not carry an IP address
    }
    if (!verify_) {
      stream.set_verify_mode(net::ssl::verify_none);
      return;
    }
    stream.set_verify_mode(net::ssl::verify_peer);
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    if (ip) {
      X509_VERIFY_PARAM_set1_ip_asc(param, host_.c_str());
    } else {
      X509_VERIFY_PARAM_set1_host(param, host_.c_str(), 0);
    }
  }

  std::string where() const { return host_ + ":" + std::to_string(port_); }

 private:
  std::string host_;
  uint16_t port_;
  bool tls_;
  net::io_context io_;
  std::optional<net::ssl::context> ssl_;
  // Exactly one of these is set while connected, depending on tls_. Declared after io_ so
  // they are destroyed first.
  std::unique_ptr<beast::tcp_stream> plain_;
  std::unique_ptr<TlsStream> secure_;
  beast::flat_buffer buffer_;
  bool closes_ = false;  // the last response ended the connection
};

HttpClient::HttpClient(std::string host, uint16_t port, bool tls)
    : impl_(std::make_unique<Impl>(std::move(host), port, tls)) {}
HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

HttpClient::Result HttpClient::request(std::string method, std::string target, std::string body,
                                       std::vector<std::pair<std::string, std::string>> headers) {
  return impl_->request(method, target, std::move(body), headers);
}

void HttpClient::set_timeout(std::chrono::milliseconds timeout) {
  impl_->timeout_ = timeout;
}

void HttpClient::set_verify_peer(bool verify) {
  impl_->verify_ = verify;
  impl_->reset_tls_context();
}

void HttpClient::set_ca_file(std::string path) {
  impl_->ca_file_ = std::move(path);
  impl_->reset_tls_context();
}

void HttpClient::close() {
  impl_->close();
}
size_t HttpClient::connections_opened() const {
  return impl_->connections_;
}

}  // namespace neutrino
