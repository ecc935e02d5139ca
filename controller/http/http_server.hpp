#pragma once
// HTTP/1.1 server on Boost.Beast: keep-alive, pipelined requests answered in order, HTTPS when
// a certificate is configured. I/O threads accept, read and write; handlers run on a separate
// pool and may block (they talk to the store), so a connection that is only sending (or
// dripping) its request never occupies a handler thread. Every phase of a connection has a
// deadline and a listener holds a bounded number of connections (see ServerOptions). The
// server never interprets paths itself.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "controller/http/body_sink.hpp"
#include "controller/http/http_request.hpp"
#include "controller/http/http_response.hpp"

namespace neutrino::http {

using RequestHandler = std::function<Response(const Request&)>;
// Renders the server's own refusals (400, 413, 414, 500, 503) for a request path ("" when
// no request was read). Default: Neutron's {"NeutronError": {...}} body.
using ErrorRenderer = std::function<Response(int status, const std::string& type,
                                             const std::string& message, const std::string& path)>;

// Routes that take their request body as a stream (image uploads, bounded by the route's own
// cap instead of max_body_bytes). `wants` is asked on the I/O thread once a request's header
// is in, so it must be cheap (a route lookup); `start` runs on the handler pool and gives the
// sink the session then feeds chunk by chunk (each call on the handler pool, one at a time),
// or a response that ends the request before its body is read.
struct BodyStreaming {
  std::function<bool(const std::string& method, const std::string& path)> wants;
  std::function<StreamStart(const Request& head)> start;
};

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 0;          // 0 picks a free port; see HttpServer::port()
  int threads = 4;            // run the RequestHandler
  int io_threads = 1;         // accept, TLS, read, write; never run handlers
  std::string tls_cert_file;  // both set: serve HTTPS only
  std::string tls_key_file;
  // Bodies are read whole before the handler runs; larger ones are answered 413. Streamed
  // bodies (see `streaming`) are not limited here: their sink sets the limit.
  size_t max_body_bytes = size_t{1} << 20;
  // The longest request line (else 414) and header line (else 400), as oslo's max_header_line,
  // and the longest header in all (else 400).
  size_t max_header_line = 16384;
  size_t max_header_bytes = size_t{64} << 10;
  // From a request's first byte (from the accept for the first request of a connection, TLS
  // handshake included) to the end of its header. A total, not per read: a client dripping a
  // byte a second is cut off at it.
  std::chrono::milliseconds header_timeout{10'000};
  // Reading a body, or writing a response, of N bytes may take body_timeout plus N /
  // min_body_rate seconds in all. A streamed body gets the same allowance for what it has
  // read so far, and no single read may wait longer than body_timeout.
  std::chrono::milliseconds body_timeout{10'000};
  size_t min_body_rate = size_t{64} << 10;  // bytes per second
  // A keep-alive connection waiting for its next request is closed after this (0: never).
  std::chrono::milliseconds idle_timeout{60'000};
  bool keep_alive = true;  // false: every response closes its connection
  // Open connections at most. At the limit, the connection idle (keep-alive) or unfinished
  // (header still arriving) the longest is closed to admit a new one; when every connection
  // holds a request being read or handled, the newcomer is answered 503 with Retry-After.
  size_t max_connections = 1024;
  std::chrono::seconds retry_after{1};
  ErrorRenderer render_error;  // empty: Neutron's error body
  BodyStreaming streaming;     // empty: every body is buffered
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
  // Connections open now (counted against max_connections).
  size_t open_connections() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace neutrino::http
