#include "controller/identity/source_throttle.hpp"

#include <arpa/inet.h>

#include <algorithm>

#include "common/log.hpp"

namespace neutrino::identity {
namespace {

// A guessing campaign from many addresses must not flood the log either.
constexpr int64_t kBlockLogInterval = 10;

}  // namespace

SourceThrottle::SourceThrottle(const TimeSource& time, int max_failures, int64_t window_seconds,
                               size_t max_sources)
    : time_(time),
      max_failures_(max_failures),
      window_(std::max<int64_t>(window_seconds, 1)),
      max_sources_(std::max<size_t>(max_sources, 1)) {}

std::string SourceThrottle::key_of(const std::string& address) {
  in6_addr v6{};
  if (address.find(':') == std::string::npos || inet_pton(AF_INET6, address.c_str(), &v6) != 1) {
    return address;
  }
  if (IN6_IS_ADDR_V4MAPPED(&v6)) {
    char text[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &v6.s6_addr[12], text, sizeof text);
    return text;
  }
  std::fill(v6.s6_addr + 8, v6.s6_addr + 16, uint8_t{0});
  char text[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, &v6, text, sizeof text);
  return std::string(text) + "/64";
}

void SourceThrottle::restart_window_if_over(Entry& entry, int64_t now) const {
  if (entry.blocked_until > now) {
    return;
  }
  if (entry.blocked_until != 0 || now - entry.window_start >= window_) {
    entry.failures = 0;
    entry.window_start = now;
    entry.blocked_until = 0;
  }
}

SourceThrottle::Verdict SourceThrottle::try_begin(const std::string& address) {
  if (max_failures_ <= 0) {
    return {};
  }
  const std::string key = key_of(address);
  const int64_t now = time_.now_unix_seconds();
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    make_room(now);
    it = entries_.emplace(key, Entry{0, now, 0, 0, 0}).first;
  }
  Entry& entry = it->second;
  entry.last_used = ++uses_;
  if (entry.blocked_until > now) {
    return {entry.blocked_until - now, true};
  }
  restart_window_if_over(entry, now);
  if (entry.failures + entry.in_flight >= max_failures_) {
    return {1, false};  // only verifications in flight stand in the way; they end soon
  }
  ++entry.in_flight;
  return {};
}

void SourceThrottle::finish(const std::string& address, bool failed) {
  if (max_failures_ <= 0) {
    return;
  }
  const std::string key = key_of(address);
  const int64_t now = time_.now_unix_seconds();
  std::lock_guard lock(mu_);
  const auto it = entries_.find(key);
  if (it == entries_.end()) {
    return;
  }
  Entry& entry = it->second;
  entry.last_used = ++uses_;
  entry.in_flight = std::max(entry.in_flight - 1, 0);
  if (failed) {
    restart_window_if_over(entry, now);
    if (++entry.failures >= max_failures_ && entry.blocked_until <= now) {
      entry.blocked_until = now + window_;
      note_blocked(key, now);
    }
  } else if (entry.failures == 0 && entry.in_flight == 0) {
    entries_.erase(it);
  }
}

void SourceThrottle::make_room(int64_t now) {
  if (entries_.size() < max_sources_) {
    return;
  }
  std::erase_if(entries_, [&](const auto& item) {
    const Entry& e = item.second;
    return e.in_flight == 0 && e.blocked_until <= now && now - e.window_start >= window_;
  });
  if (entries_.size() < max_sources_) {
    return;
  }
  // Still full of live entries: forget the one used least recently.
  auto oldest = entries_.end();
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->second.in_flight == 0 &&
        (oldest == entries_.end() || it->second.last_used < oldest->second.last_used)) {
      oldest = it;
    }
  }
  if (oldest != entries_.end()) {
    entries_.erase(oldest);
  }
}

void SourceThrottle::note_blocked(const std::string& key, int64_t now) {
  if (now - last_block_log_ < kBlockLogInterval) {
    ++blocks_not_logged_;
    return;
  }
  log::warning("identity: ", max_failures_, " failed password logins from ", key, " within ",
               window_, "s; its logins are refused for ", window_, "s",
               blocks_not_logged_ > 0 ? " (" + std::to_string(blocks_not_logged_) +
                                            " more addresses blocked since "
                                            "the last such message)"
                                      : "");
  last_block_log_ = now;
  blocks_not_logged_ = 0;
}

size_t SourceThrottle::tracked() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace neutrino::identity
