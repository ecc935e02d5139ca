#include "agent/app/metadata_guest_limits.hpp"

namespace neutrino::agent {

MetadataGuestLimits::MetadataGuestLimits(MetadataGuestLimitSettings settings,
                                         const MonotonicClock& clock)
    : settings_(settings), clock_(clock), last_sweep_(clock.now()) {}

MetadataGuestLimits::Guest& MetadataGuestLimits::guest(const GuestKey& key,
                                                       MonotonicClock::time_point now) {
  auto it = guests_.find(key);
  if (it == guests_.end()) {
    it = guests_.emplace(key, Guest{0, TokenBucket(settings_.requests, now)}).first;
  }
  return it->second;
}

bool MetadataGuestLimits::try_open(const GuestKey& key) {
  const auto now = clock_.now();
  if (now - last_sweep_ >= kSweepInterval) {
    sweep(now);
  }
  if (total_ >= settings_.connections_total) {
    return false;
  }
  Guest& g = guest(key, now);
  if (g.connections >= settings_.connections_per_guest) {
    return false;
  }
  ++g.connections;
  ++total_;
  return true;
}

void MetadataGuestLimits::closed(const GuestKey& key) {
  const auto it = guests_.find(key);
  if (it == guests_.end() || it->second.connections == 0) {
    return;
  }
  --it->second.connections;
  --total_;
}

bool MetadataGuestLimits::try_request(const GuestKey& key) {
  const auto now = clock_.now();
  return guest(key, now).bucket.try_take(now);
}

size_t MetadataGuestLimits::connections(const GuestKey& key) const {
  const auto it = guests_.find(key);
  return it == guests_.end() ? 0 : it->second.connections;
}

void MetadataGuestLimits::sweep(MonotonicClock::time_point now) {
  last_sweep_ = now;
  std::erase_if(guests_, [now](const auto& entry) {
    return entry.second.connections == 0 && entry.second.bucket.full(now);
  });
}

}  // namespace neutrino::agent
