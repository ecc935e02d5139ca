#include "dhcp/dhcp_server.hpp"

#include <algorithm>
#include <utility>

#include "dhcp/packet_parser.hpp"
#include "dhcp/packet_serializer.hpp"
#include "dhcp/reply_options.hpp"

namespace neutrino::dhcp {
namespace {

// Replies are never fragmented: without a network MTU, assume Ethernet's.
constexpr size_t kDefaultLinkMtu = 1500;

std::string default_host_name(Ipv4Address ip) {
  std::string name = "host-" + ip.to_string();
  std::replace(name.begin(), name.end(), '.', '-');
  return name;
}

}  // namespace

DhcpServer::DhcpServer(DhcpServerConfig config) {
  reconfigure(std::move(config));
}

void DhcpServer::reconfigure(DhcpServerConfig config) {
  config_ = std::move(config);
  profiles_.clear();
  for (const DhcpSubnet& subnet : config_.subnets) {
    profiles_.emplace_back(config_, subnet);
  }
  hosts_.clear();
  for (const DhcpHost& host : config_.hosts) {
    hosts_.insert_or_assign(host.mac, make_entry(host));
  }
  // Ports that stay keep what they owe; a changed limit applies from each one's next refill.
  std::erase_if(port_buckets_, [this](const auto& entry) { return !hosts_.contains(entry.first); });
  // The table is the truth from here on; a second copy would only go stale.
  config_.hosts = {};
}

void DhcpServer::upsert_host(const DhcpHost& host) {
  hosts_.insert_or_assign(host.mac, make_entry(host));
}

void DhcpServer::remove_host(const MacAddress& mac) {
  hosts_.erase(mac);
  port_buckets_.erase(mac);
}

DhcpServer::HostEntry DhcpServer::make_entry(const DhcpHost& host) const {
  HostEntry entry{host.ip, host.dns_name.empty() ? default_host_name(host.ip) : host.dns_name,
                  host.extra_options, host.next_server};
  for (size_t i = 0; i < profiles_.size(); ++i) {
    if (profiles_[i].cidr().contains(host.ip)) {
      entry.subnet = static_cast<int>(i);
      break;
    }
  }
  return entry;
}

bool DhcpServer::is_our_address(Ipv4Address address) const {
  return address == config_.server_id ||
         std::any_of(profiles_.begin(), profiles_.end(), [&](const SubnetProfile& profile) {
           return profile.server_address() == address;
         });
}

DhcpOutcome DhcpServer::handle(std::span<const uint8_t> datagram, const MacAddress& sender,
                               TimePoint now) {
  ++counters_.received;
  DhcpOutcome dropped;
  if (!admit(sender, now, dropped)) {
    return dropped;
  }
  return serve(datagram, &sender);
}

DhcpOutcome DhcpServer::handle(std::span<const uint8_t> datagram) {
  ++counters_.received;
  return serve(datagram, nullptr);
}

bool DhcpServer::admit(const MacAddress& sender, TimePoint now, DhcpOutcome& dropped) {
  if (hosts_.contains(sender)) {
    auto bucket = port_buckets_.try_emplace(sender, config_.rate_limits.per_port, now).first;
    if (bucket->second.try_take(now)) {
      return true;
    }
    ++counters_.rate_limited;
    dropped = DhcpOutcome{.action = DhcpAction::kRateLimited, .mac = sender};
    return false;
  }
  if (!unknown_bucket_) {
    unknown_bucket_.emplace(config_.rate_limits.unknown_senders, now);
  }
  if (unknown_bucket_->try_take(now)) {
    return true;
  }
  ++counters_.over_unknown_budget;
  dropped = DhcpOutcome{.action = DhcpAction::kOverBudget, .mac = sender};
  return false;
}

DhcpOutcome DhcpServer::serve(std::span<const uint8_t> datagram, const MacAddress* sender) {
  ParseResult parsed = parse_dhcp_packet(datagram);
  if (!parsed) {
    ++counters_.malformed;
    return DhcpOutcome{.action = DhcpAction::kMalformed, .error = parsed.error};
  }
  const DhcpPacket& request = *parsed.packet;
  DhcpOutcome outcome{.mac = request.client_mac()};
  // The server sits on the network's own link: relayed requests (giaddr) are not served.
  if (request.op != static_cast<uint8_t>(BootpOp::kRequest) || request.htype != kHardwareEthernet ||
      request.hlen != 6 || !request.giaddr.is_zero()) {
    return ignored(outcome);
  }
  // Replies go to chaddr: a guest may not make the server talk to another port's MAC.
  if (sender != nullptr && outcome.mac != *sender) {
    return ignored(outcome);
  }
  const auto host = hosts_.find(outcome.mac);
  if (host == hosts_.end()) {
    ++counters_.ignored_unknown;
    outcome.action = DhcpAction::kIgnoredUnknown;
    return outcome;
  }
  if (host->second.subnet < 0) {
    return ignored(outcome);
  }
  switch (*request.message_type()) {
    case MessageType::kDiscover:
      return on_discover(request, host->second);
    case MessageType::kRequest:
      return on_request(request, host->second);
    case MessageType::kInform:
      return on_inform(request, host->second);
    case MessageType::kRelease:
    case MessageType::kDecline:
      return on_release_or_decline(request, *request.message_type());
    default:
      return ignored(outcome);
  }
}

DhcpOutcome DhcpServer::ignored(DhcpOutcome outcome) {
  ++counters_.ignored_other;
  outcome.action = DhcpAction::kIgnoredOther;
  return outcome;
}

DhcpOutcome DhcpServer::on_discover(const DhcpPacket& request, const HostEntry& host) {
  const SubnetProfile& profile = profiles_[static_cast<size_t>(host.subnet)];
  ++counters_.offers;
  ++counters_.answered;
  return DhcpOutcome{
      .action = DhcpAction::kOffered,
      .mac = request.client_mac(),
      .ip = host.ip,
      .reply = make_reply(request, host.ip, Ipv4Address(),
                          lease_reply_options(MessageType::kOffer, profile, host.host_name, request,
                                              true, config_.forced_options, host.extra_options),
                          profile.server_address(), host.next_server),
  };
}

// RFC 2131 section 4.3.2 tells the client states apart by which of server identifier,
// requested IP and ciaddr are set. The address is fixed, so every state reduces to "is the
// address the client wants its port's address".
DhcpOutcome DhcpServer::on_request(const DhcpPacket& request, const HostEntry& host) {
  const auto server_id = request.options.address(option::kServerId);
  const auto requested = request.options.address(option::kRequestedIp);
  Ipv4Address asked;
  if (server_id) {
    // SELECTING: the client accepted one OFFER; stay silent if it was not ours.
    if (!is_our_address(*server_id)) {
      return ignored(DhcpOutcome{.mac = request.client_mac()});
    }
    asked = requested.value_or(request.ciaddr);
  } else if (requested) {
    asked = *requested;  // INIT-REBOOT
  } else {
    asked = request.ciaddr;  // RENEWING (unicast) or REBINDING (broadcast)
  }
  if (asked != host.ip) {
    return nak(request, host, asked);
  }
  const SubnetProfile& profile = profiles_[static_cast<size_t>(host.subnet)];
  ++counters_.acks;
  ++counters_.answered;
  return DhcpOutcome{
      .action = DhcpAction::kAcked,
      .mac = request.client_mac(),
      .ip = host.ip,
      .reply = make_reply(request, host.ip, request.ciaddr,
                          lease_reply_options(MessageType::kAck, profile, host.host_name, request,
                                              true, config_.forced_options, host.extra_options),
                          profile.server_address(), host.next_server),
  };
}

DhcpOutcome DhcpServer::nak(const DhcpPacket& request, const HostEntry& host, Ipv4Address asked) {
  const Ipv4Address server = profiles_[static_cast<size_t>(host.subnet)].server_address();
  ++counters_.naks;
  ++counters_.answered;
  DhcpReply reply =
      make_reply(request, Ipv4Address(), Ipv4Address(),
                 nak_options(server, request, "address not assigned to this port"), server);
  // RFC 2131 section 4.1: without a relay, a NAK is always broadcast, since the client may
  // hold an address that does not work on this link.
  reply.broadcast = true;
  reply.destination_ip = Ipv4Address::broadcast();
  reply.destination_mac = MacAddress::broadcast();
  return DhcpOutcome{.action = DhcpAction::kNaked,
                     .mac = request.client_mac(),
                     .ip = asked,
                     .reply = std::move(reply)};
}

DhcpOutcome DhcpServer::on_inform(const DhcpPacket& request, const HostEntry& host) {
  const SubnetProfile& profile = profiles_[static_cast<size_t>(host.subnet)];
  ++counters_.informs;
  ++counters_.answered;
  return DhcpOutcome{
      .action = DhcpAction::kInformed,
      .mac = request.client_mac(),
      .ip = request.ciaddr,
      .reply = make_reply(request, Ipv4Address(), request.ciaddr,
                          lease_reply_options(MessageType::kAck, profile, host.host_name, request,
                                              false, config_.forced_options, host.extra_options),
                          profile.server_address(), host.next_server),
  };
}

DhcpOutcome DhcpServer::on_release_or_decline(const DhcpPacket& request, MessageType type) {
  const auto server_id = request.options.address(option::kServerId);
  if (server_id && !is_our_address(*server_id)) {
    return ignored(DhcpOutcome{.mac = request.client_mac()});
  }
  // Fixed addresses stay assigned to their ports whatever the client says; these are only
  // recorded. A DECLINE means another host on the link answers ARP for the port's address.
  if (type == MessageType::kRelease) {
    ++counters_.releases;
    return DhcpOutcome{
        .action = DhcpAction::kReleased, .mac = request.client_mac(), .ip = request.ciaddr};
  }
  ++counters_.declines;
  return DhcpOutcome{
      .action = DhcpAction::kDeclined,
      .mac = request.client_mac(),
      .ip = request.options.address(option::kRequestedIp).value_or(Ipv4Address()),
  };
}

DhcpReply DhcpServer::make_reply(const DhcpPacket& request, Ipv4Address yiaddr, Ipv4Address ciaddr,
                                 DhcpOptions options, Ipv4Address server_address,
                                 Ipv4Address next_server) const {
  DhcpPacket reply;
  reply.op = static_cast<uint8_t>(BootpOp::kReply);
  reply.htype = request.htype;
  reply.hlen = request.hlen;
  reply.xid = request.xid;
  reply.flags = request.flags;
  reply.ciaddr = ciaddr;
  reply.yiaddr = yiaddr;
  reply.chaddr = request.chaddr;
  reply.siaddr = next_server;
  reply.options = std::move(options);

  size_t max_message = request.options.u16(option::kMaxMessageSize).value_or(0);
  const size_t link_mtu = config_.mtu != 0 ? config_.mtu : kDefaultLinkMtu;
  max_message = std::clamp(max_message, kMinMaxMessageSize, std::max(link_mtu, kMinMaxMessageSize));

  DhcpReply out;
  out.bytes = serialize_dhcp_packet(reply, max_message);
  out.source_ip = server_address;
  // RFC 2131 section 4.1 (no relays here): a client with an address gets unicast to it; then
  // the broadcast bit; otherwise unicast to the new address at the client's MAC.
  if (!ciaddr.is_zero()) {
    out.destination_ip = ciaddr;
    out.destination_mac = request.client_mac();
  } else if (request.broadcast_flag() || config_.always_broadcast || yiaddr.is_zero()) {
    out.broadcast = true;
    out.destination_ip = Ipv4Address::broadcast();
    out.destination_mac = MacAddress::broadcast();
  } else {
    out.destination_ip = yiaddr;
    out.destination_mac = request.client_mac();
  }
  return out;
}

}  // namespace neutrino::dhcp
