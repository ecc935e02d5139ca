#pragma once
// Wall-clock helpers. Timestamps on resources are UTC seconds, shown as Neutron shows them.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace neutrino::clock {

int64_t now_unix_seconds();
int64_t now_unix_micros();
// "2026-11-22T06:47:47Z"
std::string format_iso8601(int64_t unix_seconds);
// "2026-11-22T06:47:47.000000Z", as Keystone shows token expiry.
std::string format_iso8601_micros(int64_t unix_micros);
// Accepts "YYYY-MM-DDTHH:MM:SS" with optional fraction and "Z"; nullopt when malformed.
std::optional<int64_t> parse_iso8601(std::string_view text);

}  // namespace neutrino::clock
