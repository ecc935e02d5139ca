#pragma once
// The guest-facing half of the metadata proxy, shared by the listeners of every qdhcp
// namespace: it admits connections (per-guest and total limits), answers each request (rate
// limit, port lookup by (network, source address), forwarding through MetadataUpstream with
// the signed instance id) and keeps track of the sessions so a network that leaves the host
// takes its connections along. Everything runs on the agent's event loop and nothing in it
// blocks: a guest that holds connections open or sends slowly holds only its own share.
#include <utility>  // before Asio: Boost 1.74 uses std::exchange without it

#include <boost/asio.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "agent/app/metadata_guest_limits.hpp"
#include "agent/app/metadata_upstream.hpp"
#include "common/monotonic_clock.hpp"
#include "common/rate_limited_log.hpp"

namespace neutrino::agent {

struct MetadataTarget {
  std::string host;  // the controller's metadata listener
  uint16_t port = 8775;
  std::string secret;
};

struct MetadataProxyLimits {
  MetadataGuestLimitSettings guests;
  MetadataUpstreamLimits upstream;
  // For the next request on a connection to arrive whole: keep-alive idle time, headers, body.
  std::chrono::milliseconds request_timeout{10000};
  std::chrono::milliseconds write_timeout{10000};  // for an answer to be taken by the guest
  uint32_t header_limit = 8 * 1024;
  uint64_t body_limit = 64 * 1024;
};

// Who is on the other end of a guest connection.
struct MetadataPeer {
  std::string network_id;
  std::string address;
  GuestKey key;  // what its limits are counted under
};

class MetadataSession;

class MetadataFrontend : public std::enable_shared_from_this<MetadataFrontend> {
 public:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  using Response = boost::beast::http::response<boost::beast::http::string_body>;

  struct Instance {
    std::string id;
    std::string project_id;
  };
  using Instances = std::map<std::pair<std::string, std::string>, Instance>;  // (network, IP)

  struct Stats {
    size_t accepted = 0;
    size_t refused = 0;  // connections over a limit, closed at once
    size_t requests = 0;
    size_t rate_limited = 0;
    size_t unknown_source = 0;
    size_t forwarded = 0;
    size_t upstream_failures = 0;
    size_t sessions = 0;  // open now
  };

  // The io_context runs every member; call them only from its thread.
  static std::shared_ptr<MetadataFrontend> create(
      boost::asio::io_context& io, MetadataTarget target, MetadataProxyLimits limits = {},
      const MonotonicClock& clock = MonotonicClock::system());
  ~MetadataFrontend();

  void set_instances(Instances instances);
  // A connection accepted in the namespace of `network_id`.
  void serve(boost::asio::ip::tcp::socket socket, const std::string& network_id);
  // Closes the connections of a network that left this host.
  void close_network(const std::string& network_id);
  // Closes every connection and the upstream pool.
  void stop();

  Stats stats() const;
  MetadataUpstream::Stats upstream_stats() const { return upstream_->stats(); }
  const MetadataProxyLimits& limits() const { return limits_; }
  log::RateLimitedLog& guest_log() { return log_; }

  // For MetadataSession: answers one request, calling `respond` exactly once (on the
  // io_context, possibly before returning).
  void handle(const MetadataPeer& peer, Request request, std::function<void(Response)> respond);
  void session_ended(MetadataSession* session);

 private:
  MetadataFrontend(boost::asio::io_context& io, MetadataTarget target, MetadataProxyLimits limits,
                   const MonotonicClock& clock);
  void tick();
  void forward(const MetadataPeer& peer, const Instance& instance, const Request& request,
               std::function<void(Response)> respond);

  MetadataTarget target_;
  MetadataProxyLimits limits_;
  MetadataGuestLimits guest_limits_;
  std::shared_ptr<MetadataUpstream> upstream_;
  log::RateLimitedLog log_;
  boost::asio::steady_timer ticker_;  // flushes log summaries
  Instances instances_;
  std::set<MetadataSession*> sessions_;
  Stats stats_;
  bool stopped_ = false;
};

// "<code> <reason>\n\n<message>\n", text/plain, as the controller's metadata service writes
// its errors.
MetadataFrontend::Response metadata_text_response(unsigned status, unsigned version,
                                                  const std::string& message);

}  // namespace neutrino::agent
