#pragma once
// Failed password logins per client address, in memory. An address whose logins failed
// `max_failures` times within `window` seconds is refused for `window` seconds, and an address
// never has more verifications in flight than it has failures left: a burst of parallel
// guesses costs the attacker its budget before any of them costs us a hash. IPv6 addresses
// count per /64, the block one subscriber usually holds. Keystone has no such limit; it is not
// persisted, since only the controller itself could reset it by restarting.
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "common/time_source.hpp"

namespace neutrino::identity {

class SourceThrottle {
 public:
  SourceThrottle(const TimeSource& time, int max_failures, int64_t window_seconds,
                 size_t max_sources);

  struct Verdict {
    // 0: a verification from the address may run, and the caller must then call finish()
    // exactly once. Otherwise the seconds after which asking again can succeed (at least 1).
    int64_t retry_after = 0;
    bool blocked = false;  // refused for its failures, not for verifications in flight
  };
  Verdict try_begin(const std::string& address);
  void finish(const std::string& address, bool failed);

  // The key an address is counted under: IPv4 (also IPv4-mapped IPv6) as is, IPv6 as its /64.
  static std::string key_of(const std::string& address);
  size_t tracked() const;

 private:
  struct Entry {
    int failures = 0;
    int64_t window_start = 0;
    int64_t blocked_until = 0;
    int in_flight = 0;
    uint64_t last_used = 0;  // a sequence number: the stalest entry goes first when full
  };

  void restart_window_if_over(Entry& entry, int64_t now) const;
  // Makes room for one more entry; called with mu_ held.
  void make_room(int64_t now);
  void note_blocked(const std::string& key, int64_t now);

  const TimeSource& time_;
  const int max_failures_;
  const int64_t window_;
  const size_t max_sources_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mu_
  uint64_t uses_ = 0;                               // guarded by mu_
  int64_t last_block_log_ = 0;                      // guarded by mu_
  int64_t blocks_not_logged_ = 0;                   // guarded by mu_
};

}  // namespace neutrino::identity
