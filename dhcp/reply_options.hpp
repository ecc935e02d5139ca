#pragma once
// Which options a reply carries, in which order. Mandatory ones come first so they are never
// the ones a small maximum message size pushes out; the rest follow the client's parameter
// request list (RFC 2131 section 4.3.1: the server returns what the client asked for, in its
// order), or a default set when it sent none.
#include <cstdint>
#include <span>
#include <string_view>

#include "dhcp/dhcp_options.hpp"
#include "dhcp/dhcp_packet.hpp"
#include "dhcp/subnet_profile.hpp"

namespace neutrino::dhcp {

// OFFER/ACK (`with_lease`) or the ACK to an INFORM (no 51, 58, 59: RFC 2131 section 4.3.5).
// 53, 54, 51 and an echo of the client identifier (RFC 6842) are always present; `forced`
// codes are added after the requested ones. The host's own options come before the subnet's
// (an empty one withholds the code).
DhcpOptions lease_reply_options(MessageType type, const SubnetProfile& profile,
                                std::string_view host_name, const DhcpPacket& request,
                                bool with_lease, std::span<const uint8_t> forced,
                                const DhcpOptions& host_options = DhcpOptions());

// A NAK carries only 53, 54, a message and the client identifier (RFC 2131 table 3).
DhcpOptions nak_options(Ipv4Address server_address, const DhcpPacket& request,
                        std::string_view message);

}  // namespace neutrino::dhcp
