#include "common/rate_limited_log.hpp"

#include <utility>

namespace neutrino::log {
namespace {

constexpr std::string_view kOverflowKey = "(other log keys)";

}  // namespace

RateLimitedLog::RateLimitedLog(size_t burst, MonotonicClock::duration interval,
                               const MonotonicClock& clock, Sink sink)
    : burst_(burst), interval_(interval), clock_(clock), sink_(std::move(sink)) {
  if (!sink_) {
    sink_ = [](Level lvl, std::string_view message) { write(lvl, message); };
  }
}

bool RateLimitedLog::admit(Level lvl, std::string_view key) {
  const auto now = clock_.now();
  std::lock_guard lock(mutex_);
  auto it = windows_.find(key);
  if (it == windows_.end()) {
    if (windows_.size() >= kMaxKeys) {
      key = kOverflowKey;
      it = windows_.find(key);
    }
    if (it == windows_.end()) {
      it = windows_.emplace(std::string(key), Window{now, 0, 0, lvl}).first;
    }
  }
  Window& window = it->second;
  if (now - window.start >= interval_) {
    summarize(it->first, window);
    window = Window{now, 0, 0, lvl};
  }
  if (window.written < burst_) {
    ++window.written;
    return true;
  }
  ++window.suppressed;
  window.level = std::max(window.level, lvl);
  return false;
}

void RateLimitedLog::summarize(const std::string& key, const Window& window) {
  if (window.suppressed > 0) {
    std::ostringstream out;
    out << key << ": " << window.suppressed << " messages suppressed";
    sink_(window.level, out.str());
  }
}

void RateLimitedLog::flush() {
  const auto now = clock_.now();
  std::lock_guard lock(mutex_);
  for (auto it = windows_.begin(); it != windows_.end();) {
    if (now - it->second.start >= interval_) {
      summarize(it->first, it->second);
      it = windows_.erase(it);
    } else {
      ++it;
    }
  }
}

size_t RateLimitedLog::keys() const {
  std::lock_guard lock(mutex_);
  return windows_.size();
}

}  // namespace neutrino::log
