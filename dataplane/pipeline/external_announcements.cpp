#include "dataplane/pipeline/external_announcements.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdio>
#include <set>

#include "dataplane/pipeline/local_floating_ip.hpp"
#include "dataplane/pipeline/local_gateway.hpp"
#include "dataplane/pipeline/local_router.hpp"
#include "dataplane/pipeline/network_builder.hpp"
#include "dataplane/pipeline/uplink.hpp"

namespace neutrino::dataplane::pipeline {
namespace {

std::string hex_bytes(const std::vector<unsigned>& bytes) {
  std::string out;
  char two[3];
  for (const auto byte : bytes) {
    std::snprintf(two, sizeof two, "%02x", byte & 0xff);
    out += two;
  }
  return out;
}

void put_mac(std::vector<unsigned>& frame, const std::string& mac) {
  unsigned parts[6] = {};
  std::sscanf(mac.c_str(), "%x:%x:%x:%x:%x:%x", &parts[0], &parts[1], &parts[2], &parts[3],
              &parts[4], &parts[5]);  // validated when the address was built
  frame.insert(frame.end(), parts, parts + 6);
}

void put_ipv4(std::vector<unsigned>& frame, const std::string& ip) {
  in_addr raw{};
  inet_pton(AF_INET, ip.c_str(), &raw);
  const auto host = ntohl(raw.s_addr);
  for (int shift = 24; shift >= 0; shift -= 8) {
    frame.push_back((host >> shift) & 0xff);
  }
}

// A broadcast ARP request from `address` for `target`, tagged with the external network's lvid
// as br-int hands frames to the uplink.
std::string arp_request(const ExternalAddress& address, const std::string& target) {
  std::vector<unsigned> frame(6, 0xff);
  put_mac(frame, address.mac);
  const auto lvid = address.network->lvid;
  frame.insert(frame.end(), {0x81, 0x00, (lvid >> 8) & 0x0fu, lvid & 0xffu, 0x08, 0x06});
  frame.insert(frame.end(), {0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01});
  put_mac(frame, address.mac);
  put_ipv4(frame, address.ip);
  frame.insert(frame.end(), 6, 0x00);
  put_ipv4(frame, target);
  return "in_port=controller,packet=" + hex_bytes(frame) +
         ",actions=output:" + std::to_string(address.uplink);
}

// A broadcast RARP request from `mac` (as QEMU announces a migrated guest), tagged with `lvid`:
// it teaches the switches where the MAC is and, unlike a gratuitous ARP, claims no address.
std::string rarp_request(const std::string& mac, unsigned lvid, std::uint32_t uplink) {
  std::vector<unsigned> frame(6, 0xff);
  put_mac(frame, mac);
  frame.insert(frame.end(), {0x81, 0x00, (lvid >> 8) & 0x0fu, lvid & 0xffu, 0x80, 0x35});
  frame.insert(frame.end(), {0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x03});
  put_mac(frame, mac);
  frame.insert(frame.end(), 4, 0x00);
  put_mac(frame, mac);
  frame.insert(frame.end(), 4, 0x00);
  return "in_port=controller,packet=" + hex_bytes(frame) +
         ",actions=output:" + std::to_string(uplink);
}

}  // namespace

std::vector<std::string> announce_gateway_mac(const LocalGateway& gateway,
                                              const PipelineInput& input) {
  std::vector<std::string> out;
  for (const auto& leg : gateway.router->legs) {
    const auto uplink = integration_uplink(*leg.network, input);
    if (uplink && steered_by_gateway_mac(gateway, *leg.network)) {
      out.push_back(rarp_request(gateway.transit_mac, leg.network->lvid, *uplink));
    }
  }
  return out;
}

std::vector<std::string> announce(const ExternalAddress& address) {
  std::vector<std::string> out{arp_request(address, address.ip)};  // gratuitous
  std::set<std::string> next_hops;
  if (address.next_hop.gateway_ip) {
    next_hops.insert(*address.next_hop.gateway_ip);
  }
  for (const auto& route : address.next_hop.routes) {
    next_hops.insert(route.nexthop);
  }
  next_hops.erase(address.ip);
  for (const auto& next_hop : next_hops) {
    out.push_back(arp_request(address, next_hop));
  }
  return out;
}

std::vector<std::string> external_announcements(const PipelineInput& input) {
  if (!input.model) {
    return {};
  }
  const auto networks = build_local_networks(input);
  const auto routers = build_local_routers(*input.model, networks);
  std::set<std::string> out;
  for (const auto& fip : build_local_floating_ips(input, networks, routers)) {
    for (auto& packet : announce(fip.floating)) {
      out.insert(std::move(packet));
    }
  }
  for (const auto& gateway : build_local_gateways(input, networks, routers)) {
    if (gateway.here) {
      for (auto& packet : announce(gateway.address)) {
        out.insert(std::move(packet));
      }
      for (auto& packet : announce_gateway_mac(gateway, input)) {
        out.insert(std::move(packet));
      }
    }
  }
  return {out.begin(), out.end()};
}

}  // namespace neutrino::dataplane::pipeline
