#pragma once
// Minimal thread-safe logging to stderr: one line per message, with UTC time and level.
#include <sstream>
#include <string>
#include <string_view>

namespace neutrino::log {

enum class Level { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

void set_level(Level level);
Level level();
void write(Level level, std::string_view message);
Level parse_level(std::string_view name);

template <typename... Args>
void emit(Level lvl, const Args&... args) {
  if (lvl < level()) {
    return;
  }
  std::ostringstream out;
  (out << ... << args);
  write(lvl, out.str());
}

template <typename... Args>
void debug(const Args&... args) {
  emit(Level::kDebug, args...);
}
template <typename... Args>
void info(const Args&... args) {
  emit(Level::kInfo, args...);
}
template <typename... Args>
void warning(const Args&... args) {
  emit(Level::kWarning, args...);
}
template <typename... Args>
void error(const Args&... args) {
  emit(Level::kError, args...);
}

}  // namespace neutrino::log
