#pragma once
// Encoding of a DHCP message into a datagram (the UDP payload) that fits the receiver's
// maximum message size, overloading options into file and sname when the options field is
// too small (RFC 2131 section 4.1, RFC 2132 section 9.3, RFC 3396).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "dhcp/dhcp_packet.hpp"

namespace neutrino::dhcp {

// `max_message_size` is option 57's value: the whole IP datagram the receiver accepts. It is
// raised to 576, which every client must accept. Options are written in packet.options order
// (the caller puts the ones that must not be lost first); an option that fits nowhere whole
// is split across fields (RFC 3396), and one that cannot fit at all is dropped. A value
// longer than 255 bytes is always split into consecutive instances. Option 52 in
// packet.options is ignored: the serializer decides overloading itself, and when it does,
// the sname/file contents of `packet` are replaced by options.
std::vector<uint8_t> serialize_dhcp_packet(const DhcpPacket& packet,
                                           size_t max_message_size = kMinMaxMessageSize);

}  // namespace neutrino::dhcp
