#pragma once
// The metadata proxy's connections to the controller's metadata service: a small pool of
// kept-alive HTTP/1.1 connections, used asynchronously from the agent's event loop. Every step
// has a deadline (connecting, and sending + receiving the answer), at most `max_connections`
// requests are in flight and at most `max_queued` wait for one, so a slow or dead controller
// costs a guest a timely 502/504, never the event loop. A kept connection that turns out to be
// dead (the controller closed it while idle) is retried once on a fresh one.
#include <utility>  // before Asio: Boost 1.74 uses std::exchange without it

#include <boost/asio.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace neutrino::agent {

struct MetadataUpstreamLimits {
  std::chrono::milliseconds connect_timeout{2000};
  // From handing the request over (queueing included) to the answer's last byte.
  std::chrono::milliseconds answer_timeout{10000};
  // A kept connection idle longer than this is closed rather than reused.
  std::chrono::milliseconds idle_timeout{5000};
  size_t max_connections = 32;  // requests in flight
  size_t max_idle = 8;
  size_t max_queued = 256;
  size_t max_answer_bytes = 1024 * 1024;
};

class MetadataUpstream : public std::enable_shared_from_this<MetadataUpstream> {
 public:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  using Response = boost::beast::http::response<boost::beast::http::string_body>;
  // Called exactly once, on the io_context: an error (boost::beast::error::timeout past the
  // deadline, no_buffer_space when the queue is full, a connection error) or
  // the answer.
  using Handler = std::function<void(boost::system::error_code, Response)>;

  struct Stats {
    size_t connections_opened = 0;
    size_t reused = 0;   // requests sent on a kept connection
    size_t retried = 0;  // of those, retried on a fresh one
    size_t in_flight = 0;
    size_t idle = 0;
    size_t queued = 0;
  };

  // Only from the io_context's thread, as are all members.
  MetadataUpstream(boost::asio::io_context& io, std::string host, uint16_t port,
                   MetadataUpstreamLimits limits = {});
  ~MetadataUpstream();

  void async_send(Request request, Handler handler);
  // Closes idle connections and fails queued requests (operation_aborted).
  void close();
  Stats stats() const;

 private:
  struct Exchange;
  struct Connection;
  using ExchangePtr = std::shared_ptr<Exchange>;
  using ConnectionPtr = std::shared_ptr<Connection>;

  void start(const ExchangePtr& exchange);
  void connect(const ExchangePtr& exchange);
  void connect_to(const ExchangePtr& exchange, const ConnectionPtr& connection,
                  const boost::asio::ip::tcp::endpoint& endpoint);
  void send(const ExchangePtr& exchange, const ConnectionPtr& connection);
  void receive(const ExchangePtr& exchange, const ConnectionPtr& connection);
  void failed(const ExchangePtr& exchange, const ConnectionPtr& connection,
              boost::system::error_code ec, bool answer_started);
  ConnectionPtr take_idle();
  // The request is over: the connection is kept or closed and the next queued one starts.
  void release(const ConnectionPtr& connection, bool keep);
  void finish(const ExchangePtr& exchange, boost::system::error_code ec, Response response = {});

  boost::asio::io_context& io_;
  std::string host_;
  uint16_t port_;
  std::optional<boost::asio::ip::address> address_;  // when host_ is numeric
  boost::asio::ip::tcp::resolver resolver_;
  MetadataUpstreamLimits limits_;
  std::vector<ConnectionPtr> idle_;
  std::deque<ExchangePtr> queue_;
  size_t in_flight_ = 0;
  Stats stats_;
};

}  // namespace neutrino::agent
