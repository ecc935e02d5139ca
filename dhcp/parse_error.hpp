#pragma once
// Why a datagram is not a DHCP message this codec accepts. Returned, never thrown: the
// server sees malformed input on its hot path and only counts and drops it.
#include <string_view>

namespace neutrino::dhcp {

enum class ParseError {
  kNone,
  // Shorter than the fixed header plus the magic cookie (240 bytes).
  kTruncated,
  // op is neither BOOTREQUEST nor BOOTREPLY.
  kBadOp,
  // hlen larger than the 16-byte chaddr field.
  kBadHardwareLength,
  // No DHCP magic cookie: a plain BOOTP message, which this server does not serve.
  kBadCookie,
  // An option's length byte or value runs past the end of its field.
  kOptionOverrun,
  // Option 52 with a bad length or value, repeated, or inside sname/file (which would make
  // the fields point at each other).
  kBadOverload,
  // An option the server reads (50, 51, 53, 54, 57) with the wrong size.
  kBadOptionLength,
  // No option 53: BOOTP, not DHCP.
  kMissingMessageType,
  // Option 53 is zero.
  kBadMessageType,
};

std::string_view to_string(ParseError error);

}  // namespace neutrino::dhcp
