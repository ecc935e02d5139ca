#pragma once
// Address checks and spellings for flow text: whatever reaches a flow has been validated
// here, so one malformed object from the controller cannot make a whole bridge's flows fail
// to parse.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

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
// An IPv4 address in host byte order, or nullopt.
std::optional<std::uint32_t> ipv4_host_order(const std::string& text);
// "10.0.1.0/24" -> (address, mask) in host byte order; nullopt unless an IPv4 block.
std::optional<std::pair<std::uint32_t, std::uint32_t>> ipv4_block(const std::string& cidr);
// Whether the IPv4 address lies in the block (false if either is malformed).
bool ipv4_in_block(const std::string& ip, const std::string& cidr);
// The EUI-64 link-local address a host derives from `mac` (RFC 4291 appendix A).
std::string ipv6_link_local(std::string_view mac);
// "0x1f"
std::string hex(unsigned long long value);

}  // namespace neutrino::dataplane::pipeline
