#include "common/log.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>

#include "common/clock.hpp"

namespace neutrino::log {
namespace {
std::atomic<Level> g_level{Level::kInfo};
std::mutex g_mutex;
const char* name_of(Level level) {
  switch (level) {
    case Level::kDebug:
      return "DEBUG";
    case Level::kInfo:
      return "INFO";
    case Level::kWarning:
      return "WARNING";
    case Level::kError:
      return "ERROR";
  }
  return "?";
}
}  // namespace

void set_level(Level level) {
  g_level = level;
}
Level level() {
  return g_level;
}

Level parse_level(std::string_view name) {
  if (name == "debug")
    return Level::kDebug;
  if (name == "warning")
    return Level::kWarning;
  if (name == "error")
    return Level::kError;
  return Level::kInfo;
}

void write(Level level, std::string_view message) {
  const std::string stamp = clock::format_iso8601(clock::now_unix_micros() / 1000000);
  std::lock_guard lock(g_mutex);
  std::fprintf(stderr, "%s %s %.*s\n", stamp.c_str(), name_of(level),
               static_cast<int>(message.size()), message.data());
}

}  // namespace neutrino::log
