#include "controller/http/http_server.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <exception>
#include <fstream>
#include <iterator>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "common/json.hpp"
#include "common/log.hpp"
#include "controller/http/http_session.hpp"

namespace neutrino::http {
namespace detail {
namespace {

std::string lower(std::string out) {
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// IMF-fixdate (RFC 7231 section 7.1.1.1), the only Date format clients must accept.
std::string http_date() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[64];
  const size_t n = std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &utc);
  return std::string(text, n);
}

Request to_request(WireRequest&& wire, const std::string& remote_address, bool secure) {
  Request request;
  request.method = std::string(wire.method_string());
  request.target = std::string(wire.target());
  const size_t question = request.target.find('?');
  request.path = percent_decode(request.target.substr(0, question));
  if (question != std::string::npos) {
    request.query = parse_query(request.target.substr(question + 1));
  }
  for (const auto& field : wire) {
    const std::string value(field.value());
    auto [it, inserted] = request.headers.emplace(lower(std::string(field.name_string())), value);
    if (!inserted) {
      it->second += ", " + value;  // RFC 7230 3.2.2: repeated fields combine with commas
    }
  }
  request.body = std::move(wire.body());
  request.remote_address = remote_address;
  request.secure = secure;
  return request;
}

bool asks_to_close(const Response& response) {
  for (const auto& [name, value] : response.headers) {
    if (lower(name) == "connection" && lower(value).find("close") != std::string::npos) {
      return true;
    }
  }
  return false;
}

// A file response (image downloads) read into the body. The session writes string bodies
// only, so the file is held in memory while it is sent.
void load_file_body(Response& response) {
  if (response.file_path.empty()) {
    return;
  }
  std::ifstream file(response.file_path, std::ios::binary);
  if (!file) {
    throw std::runtime_error("cannot open " + response.file_path);
  }
  response.body.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  response.file_path.clear();
}

WireResponse to_wire(Response&& response, unsigned version, bool head) {
  load_file_body(response);
  WireResponse wire;
  wire.version(version);
  wire.result(static_cast<unsigned>(response.status));  // throws beyond 999: becomes a 500
  for (auto& [name, value] : response.headers) {
    wire.insert(name, value);
  }
  if (!response.content_type.empty()) {
    wire.set(bhttp::field::content_type, response.content_type);
  }
  wire.set(bhttp::field::server, "neutrino");
  wire.set(bhttp::field::date, http_date());
  const size_t length = response.body.size();
  if (!head) {
    wire.body() = std::move(response.body);
  }
  // Set after the body so a HEAD answer still announces the GET body's length.
  wire.content_length(length);
  return wire;
}

Response neutron_error(int status, const std::string& type, const std::string& message) {
  return Response::json(
      status, Json{{"NeutronError", {{"type", type}, {"message", message}, {"detail", ""}}}});
}

}  // namespace

WireResponse error_response(int status, const std::string& type, const std::string& message) {
  return to_wire(neutron_error(status, type, message), 11, false);
}

WireResponse answer(WireRequest&& wire, const SessionSettings& settings,
                    const std::string& remote_address, bool secure) {
  const bool keep_alive = wire.keep_alive();  // false for "Connection: close" and HTTP/1.0
  const unsigned version = wire.version();
  const bool head = wire.method() == bhttp::verb::head;
  const std::string method(wire.method_string());
  const std::string target(wire.target());
  WireResponse out;
  try {
    Response response = (*settings.handler)(to_request(std::move(wire), remote_address, secure));
    const bool close = asks_to_close(response);
    out = to_wire(std::move(response), version, head);
    out.keep_alive(keep_alive && !close);
    return out;
  } catch (const std::exception& e) {
    log::error("http: ", method, " ", target, " failed: ", e.what());
  } catch (...) {
    log::error("http: ", method, " ", target, " failed with a non-standard exception");
  }
  // The message Neutron (webob) gives for an unhandled error; details stay in our log.
  out = to_wire(neutron_error(500, "HTTPInternalServerError",
                              "Request Failed: internal server error while processing your "
                              "request."),
                version, head);
  out.keep_alive(keep_alive);
  return out;
}

}  // namespace detail

namespace net = boost::asio;
using detail::error_code;
using detail::tcp;

class HttpServer::Impl {
 public:
  Impl(ServerOptions options, RequestHandler handler)
      : options_(std::move(options)), handler_(std::move(handler)) {
    settings_.handler = &handler_;
    settings_.max_body_bytes = options_.max_body_bytes;
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
    stopping_ = false;
    work_.emplace(ioc_.get_executor());
    accept();
    const int count = std::max(1, options_.threads);
    for (int i = 0; i < count; ++i) {
      threads_.emplace_back([this] { ioc_.run(); });
    }
    running_ = true;
  }

  void stop() {
    std::vector<std::shared_ptr<detail::SessionBase>> live;
    {
      std::lock_guard lock(mutex_);
      if (!running_) {
        return;
      }
      running_ = false;
      stopping_ = true;
      for (const auto& weak : sessions_) {
        if (auto session = weak.lock()) {
          live.push_back(std::move(session));
        }
      }
      sessions_.clear();
    }
    net::post(acceptor_.get_executor(), [this] {
      error_code ignored;
      acceptor_.close(ignored);
      retry_timer_.cancel();
    });
    for (const auto& session : live) {
      session->close();
    }
    live.clear();
    // With the acceptor and every connection closed the io_context runs out of work and the
    // threads return once in-flight handlers finish.
    work_.reset();
    for (auto& thread : threads_) {
      thread.join();
    }
    threads_.clear();
  }

  uint16_t port() const { return port_; }
  bool tls() const { return !options_.tls_cert_file.empty() && !options_.tls_key_file.empty(); }

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
        log::warning("http: accept failed: ", ec.message());
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

  void serve(tcp::socket socket) {
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);  // small responses must not wait for Nagle
    std::shared_ptr<detail::SessionBase> session;
    if (ssl_ && tls()) {
      auto tls_session =
          std::make_shared<detail::Session<detail::beast::ssl_stream<detail::beast::tcp_stream>>>(
              settings_, std::move(socket), *ssl_);
      tls_session->start();
      session = std::move(tls_session);
    } else {
      auto plain = std::make_shared<detail::Session<detail::beast::tcp_stream>>(settings_,
                                                                                std::move(socket));
      plain->start();
      session = std::move(plain);
    }
    std::lock_guard lock(mutex_);
    if (stopping_) {
      session->close();  // accepted while stop() was collecting sessions
      return;
    }
    // Forget finished connections now and then so the list stays as long as the live ones.
    if (sessions_.size() >= 2 * live_hint_ + 64) {
      std::erase_if(sessions_, [](const auto& weak) { return weak.expired(); });
      live_hint_ = sessions_.size();
    }
    sessions_.push_back(session);
  }

  ServerOptions options_;
  RequestHandler handler_;
  detail::SessionSettings settings_;
  net::io_context ioc_;
  std::optional<net::ssl::context> ssl_;
  tcp::acceptor acceptor_{net::make_strand(ioc_)};
  net::steady_timer retry_timer_{acceptor_.get_executor()};
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
  uint16_t port_ = 0;

  std::mutex mutex_;  // guards the fields below
  bool running_ = false;
  bool stopping_ = false;
  std::vector<std::weak_ptr<detail::SessionBase>> sessions_;
  size_t live_hint_ = 0;
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

}  // namespace neutrino::http
