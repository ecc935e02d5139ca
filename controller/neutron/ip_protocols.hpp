#pragma once
// IP protocols as security group rules name them (neutron-lib's IP_PROTOCOL_MAP): names the API
// accepts, their numbers, and which protocols have ports.
#include <optional>
#include <string>

#include "common/json.hpp"

namespace neutrino::neutron {

// Neutron's convert_protocol: null or "any" is any protocol (nullopt); a known name (any case)
// becomes its lower-case name; an integer 0..255 (number or string) its decimal string.
// Throws 400 SecurityGroupRuleInvalidProtocol otherwise.
std::optional<std::string> convert_protocol(const Json& value);

// The IP protocol number of a stored protocol ("tcp" -> 6, "17" -> 17). ICMP under IPv6 is
// ICMPv6 (58), as Neutron treats it.
std::optional<int> protocol_number(const std::optional<std::string>& protocol,
                                   const std::string& ethertype);

// TCP, UDP, SCTP, UDP-Lite and DCCP: the protocols whose rules take a port range.
bool has_ports(int protocol_number);

}  // namespace neutrino::neutron
