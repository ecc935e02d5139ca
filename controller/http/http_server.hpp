#pragma once
// HTTP/1.1 server on Boost.Beast: keep-alive, pipelined requests answered in order, HTTPS when
// a certificate is configured. Handlers run on a small pool of threads and may block (they talk
// to the store); the server never interprets paths itself.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "controller/http/http_request.hpp"
#include "controller/http/http_response.hpp"

namespace neutrino::http {

using RequestHandler = std::function<Response(const Request&)>;

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 0;  // 0 picks a free port; see HttpServer::port()
  int threads = 4;
  std::string tls_cert_file;  // both set: serve HTTPS only
  std::string tls_key_file;
  size_t max_body_bytes = 16 * 1024 * 1024;
};

class HttpServer {
 public:
  HttpServer(ServerOptions options, RequestHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts serving on background threads. Throws std::runtime_error if the address
  // cannot be bound or the certificate cannot be loaded.
  void start();
  // Stops accepting, closes connections, joins the threads. Idempotent.
  void stop();
  // The bound port (useful when ServerOptions::port was 0).
  uint16_t port() const;
  bool tls() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace neutrino::http
