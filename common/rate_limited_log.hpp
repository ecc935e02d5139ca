#pragma once
// Log lines that untrusted peers (guests, tenants) can trigger at will, written at a bounded
// rate, as Open vSwitch's VLOG_WARN_RL: under each key (a call site, e.g.
// "metadata: unknown source"), at most `burst` lines per `interval`. Further lines are only
// counted; when the key may write again, or flush() finds its interval over, one line
// "<key>: N messages suppressed" says how many were dropped. A guest can then fill neither
// the disk nor the log reader's screen, and the operator still learns that something happened.
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <string_view>

#include "common/log.hpp"
#include "common/monotonic_clock.hpp"

namespace neutrino::log {

class RateLimitedLog {
 public:
  using Sink = std::function<void(Level, std::string_view)>;

  // `sink` defaults to log::write (stderr). Thread-safe.
  RateLimitedLog(size_t burst, MonotonicClock::duration interval,
                 const MonotonicClock& clock = MonotonicClock::system(), Sink sink = nullptr);

  template <typename... Args>
  void warning(std::string_view key, const Args&... args) {
    emit(Level::kWarning, key, args...);
  }
  template <typename... Args>
  void info(std::string_view key, const Args&... args) {
    emit(Level::kInfo, key, args...);
  }
  template <typename... Args>
  void emit(Level lvl, std::string_view key, const Args&... args) {
    if (lvl < level() || !admit(lvl, key)) {
      return;
    }
    std::ostringstream out;
    (out << ... << args);
    sink_(lvl, out.str());
  }

  // Writes the summary of every key whose interval is over, and forgets those keys. Call it
  // now and then (the services do, from a timer) so a burst that stopped is still reported.
  void flush();
  // Keys with an open interval.
  size_t keys() const;

  // Distinct keys tracked at once; lines under further keys share one window.
  static constexpr size_t kMaxKeys = 256;

 private:
  struct Window {
    MonotonicClock::time_point start;
    size_t written = 0;
    uint64_t suppressed = 0;
    Level level = Level::kWarning;
  };

  bool admit(Level lvl, std::string_view key);
  void summarize(const std::string& key, const Window& window);

  const size_t burst_;
  const MonotonicClock::duration interval_;
  const MonotonicClock& clock_;
  Sink sink_;
  mutable std::mutex mutex_;
  std::map<std::string, Window, std::less<>> windows_;
};

}  // namespace neutrino::log
