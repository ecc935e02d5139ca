#include "controller/http/http_server.hpp"

#include <algorithm>
#include <future>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

#include "common/log.hpp"
#include "controller/http/connection_registry.hpp"
#include "controller/http/http_session.hpp"

namespace neutrino::http {

namespace net = boost::asio;
using detail::error_code;
using detail::tcp;

class HttpServer::Impl {
 public:
  Impl(ServerOptions options, RequestHandler handler)
      : options_(std::move(options)),
        handler_(std::move(handler)),
        registry_(std::max<size_t>(options_.max_connections, 1)) {
    settings_.options = &options_;
    settings_.handler = &handler_;
    settings_.registry = &registry_;
  }

  void start() {
    std::lock_guard lock(mutex_);
    if (running_) {
      return;
    }
    if (tls()) {
      load_certificate();
    } else if (!options_.tls_cert_file.empty() || !options_.tls_key_file.empty()) {
      throw std::runtime_error("TLS needs both a certificate and a key file");
    }
    listen();
    ioc_.restart();  // allows start() after stop()
    handlers_.emplace(static_cast<size_t>(std::max(1, options_.threads)));
    settings_.handlers = &*handlers_;
    work_.emplace(ioc_.get_executor());
    accept();
    for (int i = 0; i < std::max(1, options_.io_threads); ++i) {
      io_threads_.emplace_back([this] { ioc_.run(); });
    }
    running_ = true;
  }

  void stop() {
    {
      std::lock_guard lock(mutex_);
      if (!running_) {
        return;
      }
      running_ = false;
    }
    // Once this has run on the acceptor's strand no connection is admitted any more, so the
    // registry below holds every one there will be.
    std::promise<void> closed;
    net::post(acceptor_.get_executor(), [this, &closed] {
      error_code ignored;
      acceptor_.close(ignored);
      retry_timer_.cancel();
      closed.set_value();
    });
    closed.get_future().wait();
    for (const auto& connection : registry_.clear()) {
      connection->close();
    }
    // Requests still queued are dropped (their connections are closed); running handlers
    // finish first, so nothing the handler uses is destroyed under it.
    handlers_->stop();
    handlers_->join();
    // With the acceptor and every connection closed the io_context runs out of work.
    work_.reset();
    for (auto& thread : io_threads_) {
      thread.join();
    }
    io_threads_.clear();
    handlers_.reset();
  }

  uint16_t port() const { return port_; }
  bool tls() const { return !options_.tls_cert_file.empty() && !options_.tls_key_file.empty(); }
  size_t open_connections() const { return registry_.open(); }

 private:
  void load_certificate() {
    ssl_.emplace(net::ssl::context::tls_server);
    ssl_->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                      net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                      net::ssl::context::no_tlsv1_1);
    error_code ec;
    ssl_->use_certificate_chain_file(options_.tls_cert_file, ec);
    if (ec) {
      throw std::runtime_error("cannot load TLS certificate " + options_.tls_cert_file + ": " +
                               ec.message());
    }
    ssl_->use_private_key_file(options_.tls_key_file, net::ssl::context::pem, ec);
    if (ec) {
      throw std::runtime_error("cannot load TLS key " + options_.tls_key_file + ": " +
                               ec.message());
    }
  }

  void listen() {
    const std::string where = options_.address + ":" + std::to_string(options_.port);
    error_code ec;
    tcp::endpoint endpoint;
    const auto address = net::ip::make_address(options_.address, ec);
    if (!ec) {
      endpoint = tcp::endpoint(address, options_.port);
    } else {
      // Not a literal address: accept a host name such as "localhost".
      tcp::resolver resolver(ioc_);
      const auto results = resolver.resolve(options_.address, std::to_string(options_.port),
                                            tcp::resolver::passive, ec);
      if (ec || results.empty()) {
        throw std::runtime_error("cannot listen on " + where + ": " +
                                 (ec ? ec.message() : "no address"));
      }
      endpoint = *results.begin();
    }
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) {
      // Lets a restarted controller bind while old connections sit in TIME_WAIT.
      acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    }
    if (!ec) {
      acceptor_.bind(endpoint, ec);
    }
    if (!ec) {
      acceptor_.listen(net::socket_base::max_listen_connections, ec);
    }
    if (ec) {
      error_code ignored;
      acceptor_.close(ignored);
      throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
    }
    port_ = acceptor_.local_endpoint().port();
  }

  void accept() {
    // Each connection gets its own strand so its handlers never run concurrently.
    acceptor_.async_accept(net::make_strand(ioc_), [this](error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted || !acceptor_.is_open()) {
        return;
      }
      if (ec) {
        // Typically out of file descriptors: back off instead of spinning on accept.
        if (++accept_failures_ % 100 == 1) {
          log::warning("http: accept failed (", accept_failures_, " times so far): ", ec.message());
        }
        retry_timer_.expires_after(std::chrono::milliseconds(100));
        retry_timer_.async_wait([this](error_code wait_ec) {
          if (!wait_ec) {
            accept();
          }
        });
        return;
      }
      serve(std::move(socket));
      accept();
    });
  }

  template <class Session, class... StreamArgs>
  void serve_as(tcp::socket socket, StreamArgs&... args) {
    auto session = std::make_shared<Session>(settings_, std::move(socket), args...);
    std::shared_ptr<detail::Connection> shed;
    if (registry_.admit(session, shed) == detail::ConnectionRegistry::Admission::kAdmitted) {
      if (shed) {
        shed->close();
      }
      session->start();
      return;
    }
    log_refusal();
    // Refusals themselves are bounded: beyond that the socket just closes.
    if (registry_.add_refused(session, kMaxRefusing)) {
      session->refuse();
    }
  }

  void serve(tcp::socket socket) {
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);  // small responses must not wait for Nagle
    if (ssl_ && tls()) {
      serve_as<detail::Session<detail::beast::ssl_stream<detail::beast::tcp_stream>>>(
          std::move(socket), *ssl_);
    } else {
      serve_as<detail::Session<detail::beast::tcp_stream>>(std::move(socket));
    }
  }

  void log_refusal() {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_refusal_log_ > std::chrono::seconds(10)) {
      last_refusal_log_ = now;
      log::warning("http: ", options_.address, ":", port_, " is at its limit of ",
                   registry_.limit(), " connections, none of them idle: refusing new ones (503)");
    }
  }

  static constexpr int kMaxRefusing = 64;

  ServerOptions options_;
  RequestHandler handler_;
  detail::SessionSettings settings_;
  // Declared before the io_context: sessions still queued there when it is destroyed
  // unregister themselves on the way out.
  detail::ConnectionRegistry registry_;
  net::io_context ioc_;
  std::optional<net::ssl::context> ssl_;
  tcp::acceptor acceptor_{net::make_strand(ioc_)};
  net::steady_timer retry_timer_{acceptor_.get_executor()};
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work_;
  std::optional<net::thread_pool> handlers_;
  std::vector<std::thread> io_threads_;
  uint16_t port_ = 0;
  // Touched only on the acceptor's strand.
  uint64_t accept_failures_ = 0;
  std::chrono::steady_clock::time_point last_refusal_log_{};

  std::mutex mutex_;  // guards running_
  bool running_ = false;
};

HttpServer::HttpServer(ServerOptions options, RequestHandler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() {
  stop();
}

void HttpServer::start() {
  impl_->start();
}
void HttpServer::stop() {
  impl_->stop();
}
uint16_t HttpServer::port() const {
  return impl_->port();
}
bool HttpServer::tls() const {
  return impl_->tls();
}
size_t HttpServer::open_connections() const {
  return impl_->open_connections();
}

}  // namespace neutrino::http
