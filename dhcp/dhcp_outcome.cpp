#include "dhcp/dhcp_outcome.hpp"

namespace neutrino::dhcp {

std::string_view to_string(DhcpAction action) {
  switch (action) {
    case DhcpAction::kOffered:
      return "offered";
    case DhcpAction::kAcked:
      return "acked";
    case DhcpAction::kNaked:
      return "naked";
    case DhcpAction::kInformed:
      return "informed";
    case DhcpAction::kReleased:
      return "released";
    case DhcpAction::kDeclined:
      return "declined";
    case DhcpAction::kIgnoredUnknown:
      return "ignored (unknown MAC)";
    case DhcpAction::kIgnoredOther:
      return "ignored";
    case DhcpAction::kMalformed:
      return "malformed";
    case DhcpAction::kRateLimited:
      return "dropped (port over its rate)";
    case DhcpAction::kOverBudget:
      return "dropped (unknown senders over their budget)";
  }
  return "unknown";
}

}  // namespace neutrino::dhcp
