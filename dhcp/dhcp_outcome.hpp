#pragma once
// What the server made of one datagram: the reply to send, if any, and enough to log it.
#include <optional>
#include <string_view>

#include "dhcp/dhcp_reply.hpp"
#include "dhcp/ipv4_address.hpp"
#include "dhcp/mac_address.hpp"
#include "dhcp/parse_error.hpp"

namespace neutrino::dhcp {

enum class DhcpAction {
  kOffered,
  kAcked,
  kNaked,
  kInformed,
  kReleased,
  kDeclined,
  kIgnoredUnknown,
  kIgnoredOther,
  kMalformed,
  kRateLimited,  // dropped before parsing: the sending port is over its rate
  kOverBudget,   // dropped before parsing: senders that are no port spent their budget
};

std::string_view to_string(DhcpAction action);

struct DhcpOutcome {
  DhcpAction action = DhcpAction::kIgnoredOther;
  // The client's chaddr; zero when the datagram did not parse; the Ethernet sender when it
  // was dropped unparsed.
  MacAddress mac;
  // Offered/acked: the fixed IP. Naked: the address the client asked for. Released: ciaddr.
  // Declined: the address the client found in use (option 50).
  Ipv4Address ip;
  ParseError error = ParseError::kNone;
  std::optional<DhcpReply> reply;
};

}  // namespace neutrino::dhcp
