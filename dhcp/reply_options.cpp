#include "dhcp/reply_options.hpp"

namespace neutrino::dhcp {
namespace {

// The order sent to a client without a parameter request list.
constexpr uint8_t kDefaultOrder[] = {
    option::kSubnetMask,    option::kBroadcastAddress, option::kRouter,
    option::kDnsServers,    option::kHostName,         option::kDomainName,
    option::kInterfaceMtu,  option::kClasslessRoutes,  option::kRenewalTime,
    option::kRebindingTime,
};

void echo_client_id(const DhcpPacket& request, DhcpOptions& out) {
  if (const auto* client_id = request.options.find(option::kClientId)) {
    out.set(option::kClientId, *client_id);
  }
}

}  // namespace

DhcpOptions lease_reply_options(MessageType type, const SubnetProfile& profile,
                                std::string_view host_name, const DhcpPacket& request,
                                bool with_lease, std::span<const uint8_t> forced,
                                const DhcpOptions& host_options) {
  DhcpOptions out;
  out.set_u8(option::kMessageType, static_cast<uint8_t>(type));
  out.set_address(option::kServerId, profile.server_address());
  if (with_lease) {
    out.set_u32(option::kLeaseTime, profile.lease_seconds());
  }
  echo_client_id(request, out);

  const auto add = [&](uint8_t code) {
    if (out.contains(code)) {
      return;  // mandatory, or listed twice
    }
    if (!with_lease && (code == option::kRenewalTime || code == option::kRebindingTime)) {
      return;
    }
    if (const auto* own = host_options.find(code)) {
      if (!own->empty()) {
        out.set(code, *own);
      }
    } else if (code == option::kHostName) {
      out.set_string(code, host_name);
    } else if (const auto* value = profile.options().find(code)) {
      out.set(code, *value);
    }
  };
  if (const auto* requested = request.options.find(option::kParameterRequestList)) {
    for (uint8_t code : *requested) {
      add(code);
    }
  } else {
    for (uint8_t code : kDefaultOrder) {
      add(code);
    }
  }
  for (uint8_t code : forced) {
    add(code);
  }
  return out;
}

DhcpOptions nak_options(Ipv4Address server_address, const DhcpPacket& request,
                        std::string_view message) {
  DhcpOptions out;
  out.set_u8(option::kMessageType, static_cast<uint8_t>(MessageType::kNak));
  out.set_address(option::kServerId, server_address);
  out.set_string(option::kMessage, message);
  echo_client_id(request, out);
  return out;
}

}  // namespace neutrino::dhcp
