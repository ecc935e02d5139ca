#pragma once
// What one guest may hold of the metadata proxy: at most `connections_per_guest` open
// connections and `requests` (a token bucket) per (network, source address), and at most
// `connections_total` connections for the whole proxy (file descriptors are finite). A guest
// over its share is refused at once; the others are untouched. The clock is a seam, so the
// unit tests step through time without sleeping.
#include <compare>
#include <cstddef>
#include <map>
#include <string>

#include "common/monotonic_clock.hpp"
#include "common/token_bucket.hpp"

namespace neutrino::agent {

struct GuestKey {
  std::string network_id;
  std::string address;  // the guest's source IP, or kUnknownGuest
  auto operator<=>(const GuestKey&) const = default;
};

// Addresses no port of the network holds share one key per network: a guest that may send
// from any address (port security off) gets no more than one guest's share by cycling them.
inline constexpr const char* kUnknownGuest = "unknown";

struct MetadataGuestLimitSettings {
  size_t connections_per_guest = 4;
  size_t connections_total = 1024;
  RateLimit requests{.per_second = 10, .burst = 20};
};

class MetadataGuestLimits {
 public:
  explicit MetadataGuestLimits(MetadataGuestLimitSettings settings,
                               const MonotonicClock& clock = MonotonicClock::system());

  // A new connection of `guest`: false when it already holds its share or the proxy is full.
  bool try_open(const GuestKey& guest);
  // One of its connections ended (only for connections try_open admitted).
  void closed(const GuestKey& guest);
  // One request of `guest`: false when it is over its rate.
  bool try_request(const GuestKey& guest);

  size_t connections(const GuestKey& guest) const;
  size_t total_connections() const { return total_; }
  // Guests remembered: those with a connection, or whose bucket is still refilling (a guest
  // must not reset its rate by reconnecting).
  size_t tracked() const { return guests_.size(); }

  // How often guests that owe nothing are forgotten.
  static constexpr auto kSweepInterval = std::chrono::seconds(5);

 private:
  struct Guest {
    size_t connections = 0;
    TokenBucket bucket;
  };
  Guest& guest(const GuestKey& key, MonotonicClock::time_point now);
  void sweep(MonotonicClock::time_point now);

  MetadataGuestLimitSettings settings_;
  const MonotonicClock& clock_;
  std::map<GuestKey, Guest> guests_;
  size_t total_ = 0;
  MonotonicClock::time_point last_sweep_;
};

}  // namespace neutrino::agent
