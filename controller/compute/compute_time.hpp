#pragma once
// The two ways Nova prints times: "2026-11-22T06:41:43Z" for servers (isotime) and
// "2026-11-22T06:41:43.000000" for the records it serialises directly (key pairs, services,
// hypervisors' service updates).
#include <cstdint>
#include <string>

#include "common/clock.hpp"

namespace neutrino::compute {

inline std::string iso_time(int64_t unix_seconds) {
  return clock::format_iso8601(unix_seconds);
}

inline std::string nova_time(int64_t unix_seconds) {
  std::string text = clock::format_iso8601(unix_seconds);  // ...Z
  text.pop_back();
  return text + ".000000";
}

}  // namespace neutrino::compute
