#pragma once
// Allocation pools of a subnet: Neutron's defaults and its validation, with its error types and
// messages, so the subnet service only loads and stores.
#include <optional>
#include <vector>

#include "common/json.hpp"
#include "controller/ipam/cidr.hpp"
#include "controller/ipam/ip_range.hpp"

namespace neutrino::ipam {

// The subnet's host range (Cidr::first_host..last_host) minus the gateway: two pools when the
// gateway is in the middle, one when it is at either end or outside the range.
std::vector<IpRange> default_allocation_pools(const Cidr& cidr, std::optional<IpAddress> gateway);

// Neutron's checks in Neutron's order; throws api::ApiError:
//   400 InvalidAllocationPool       "The allocation pool <a>-<b> is not valid."
//                                   (start > end, or an IP version other than the subnet's)
//   400 OutOfBoundsAllocationPool   "The allocation pool <a>-<b> spans beyond the subnet cidr
//                                   <cidr>." (outside first_host..last_host)
//   409 OverlappingAllocationPools  "Found overlapping allocation pools: <p1> <p2> for subnet
//                                   <cidr>."
//   409 GatewayConflictWithAllocationPools "Gateway ip <gw> conflicts with allocation pool <p>."
void validate_allocation_pools(const Cidr& cidr, const std::vector<IpRange>& pools,
                               std::optional<IpAddress> gateway);

// The request's [{"start": "...", "end": "..."}] as ranges, unchecked against any subnet.
// Malformed shapes or addresses: 400 HTTPBadRequest "Invalid input for allocation_pools.
// Reason: ...", with neutron-lib's reasons.
std::vector<IpRange> parse_allocation_pools(const Json& list);

// A gateway may lie outside the cidr (as in modern Neutron), but not be the IPv4 network or
// broadcast address. Throws 400 InvalidInput: "Invalid input for operation: Gateway is not
// valid on subnet." or, for the wrong IP version, "... gateway_ip '<gw>' does not match the
// ip_version '<v>'.".
void validate_gateway(const Cidr& cidr, const IpAddress& gateway);

}  // namespace neutrino::ipam
