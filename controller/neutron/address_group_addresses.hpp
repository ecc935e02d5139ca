#pragma once
// The addresses of an address group as requests give them: CIDRs, normalised (host bits
// cleared, "10.0.0.5/24" -> "10.0.0.0/24") and deduplicated, as Neutron stores them.
#include <cstddef>
#include <set>
#include <string>

#include "common/json.hpp"

namespace neutrino::neutron {

// At most this many addresses in one group: each is a flow on every host whose rules use it.
inline constexpr std::size_t kMaxAddressGroupAddresses = 1000;

// Create's "addresses" (type:subnet_list): null is none; every entry needs its "/prefix".
// 400 "Invalid input for addresses. Reason: ..." otherwise.
std::set<std::string> parse_address_list(const Json& value);

// add_addresses / remove_addresses's "addresses": Neutron reads each with netaddr.IPNetwork,
// so a bare address is its /32 or /128. 400 for anything that is no address or network.
std::set<std::string> parse_address_action(const Json& body);

// Python's repr of a list of strings, as Neutron's messages show them: ['a', 'b'].
std::string python_list(const std::set<std::string>& items);

}  // namespace neutrino::neutron
