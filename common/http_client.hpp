#pragma once
// A small blocking HTTP/1.1 client for benchmarks, tests and the agent. It keeps one
// connection open between requests and opens a new one when the server has closed it, so
// callers just call request(). Not thread-safe: use one client per thread.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace neutrino {

class HttpClient {
 public:
  struct Result {
    int status = 0;
    std::map<std::string, std::string> headers;  // keys lower-cased, repeats joined by ", "
    std::string body;
  };

  HttpClient(std::string host, uint16_t port, bool tls = false);
  ~HttpClient();
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request and waits for the whole response. Host, User-Agent and Content-Length
  // are added unless given; a non-empty body without Content-Type is sent as
  // application/json. A request that fails on a reused connection before any response byte
  // arrived is retried once on a new connection (the server may have closed it while idle).
  // Throws std::runtime_error on connection errors and timeouts; HTTP errors are results.
  Result request(std::string method, std::string target, std::string body = "",
                 std::vector<std::pair<std::string, std::string>> headers = {});

  // Limit for each step (connect, TLS handshake, sending, receiving the response).
  void set_timeout(std::chrono::milliseconds timeout);
  // TLS only. Verification (on by default) checks the chain and the host name or IP.
  void set_verify_peer(bool verify);
  // TLS only. Trust this PEM file instead of the system store.
  void set_ca_file(std::string path);

  // Drops the kept-alive connection; the next request opens a new one.
  void close();
  // How many connections this client has opened so far (tells whether keep-alive worked).
  size_t connections_opened() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace neutrino
