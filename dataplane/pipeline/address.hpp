#pragma once
// Address checks and spellings for flow text: whatever reaches a flow has been validated
// here, so one malformed object from the controller cannot make a whole bridge's flows fail
// to parse.
#include <optional>
#include <string>
#include <string_view>

namespace neutrino::dataplane::pipeline {

// "FA:16:3E:00:00:01" -> "fa:16:3e:00:00:01"; nullopt unless a unicast, non-zero MAC.
std::optional<std::string> unicast_mac(std::string_view text);
// The address in its shortest form, or nullopt when `text` is not one.
std::optional<std::string> ipv4_address(std::string_view text);
std::optional<std::string> ipv6_address(std::string_view text);
// An address or a block ("10.0.0.5", "10.0.0.0/24") as a flow field value: host bits cleared,
// a full-length block written as the bare address. nullopt unless it is one of that family.
std::optional<std::string> ipv4_prefix(std::string_view text);
std::optional<std::string> ipv6_prefix(std::string_view text);
// The EUI-64 link-local address a host derives from `mac` (RFC 4291 appendix A).
std::string ipv6_link_local(std::string_view mac);
// "0x1f"
std::string hex(unsigned long long value);

}  // namespace neutrino::dataplane::pipeline
