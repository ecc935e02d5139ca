#include "dhcp/parse_error.hpp"

namespace neutrino::dhcp {

std::string_view to_string(ParseError error) {
  switch (error) {
    case ParseError::kNone:
      return "none";
    case ParseError::kTruncated:
      return "truncated";
    case ParseError::kBadOp:
      return "bad op";
    case ParseError::kBadHardwareLength:
      return "bad hardware address length";
    case ParseError::kBadCookie:
      return "bad magic cookie";
    case ParseError::kOptionOverrun:
      return "option overruns its field";
    case ParseError::kBadOverload:
      return "bad option overload";
    case ParseError::kBadOptionLength:
      return "bad option length";
    case ParseError::kMissingMessageType:
      return "missing message type";
    case ParseError::kBadMessageType:
      return "bad message type";
  }
  return "unknown";
}

}  // namespace neutrino::dhcp
