// LinkManager, layer 3: addresses and routes. Interfaces are in link_manager.cpp.
#include <linux/rtnetlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>
#include <sys/socket.h>

#include <optional>
#include <stdexcept>

#include "agent/netlink/inet_prefix.hpp"
#include "agent/netlink/libnl_objects.hpp"
#include "agent/netlink/link_manager.hpp"

namespace neutrino::agent::netlink {

using libnl::AddrPtr;
using libnl::CachePtr;
using libnl::for_each_in;
using libnl::format_nl_addr;
using libnl::names_by_index;
using libnl::NlAddrPtr;
using libnl::RoutePtr;
using libnl::to_nl_addr;

namespace {

AddrPtr make_address(int ifindex, const std::string& cidr) {
  const InetPrefix prefix = InetPrefix::parse(cidr, false);
  AddrPtr addr(rtnl_addr_alloc());
  if (!addr) {
    throw std::bad_alloc();
  }
  rtnl_addr_set_ifindex(addr.get(), ifindex);
  rtnl_addr_set_local(addr.get(), to_nl_addr(prefix).get());
  // /31 and /32 have no broadcast address (RFC 3021).
  if (prefix.family == AF_INET && prefix.prefix_len < 31) {
    rtnl_addr_set_broadcast(addr.get(), to_nl_addr(prefix.last_address()).get());
  }
  return addr;
}

}  // namespace

void LinkManager::add_address(const std::string& name, const std::string& cidr) {
  const LinkPtr link = get_link("add_address", name);
  const AddrPtr addr = make_address(rtnl_link_get_ifindex(link.get()), cidr);
  if (const int err = rtnl_addr_add(sock_.get(), addr.get(), NLM_F_EXCL); err < 0) {
    fail("add_address", name + " " + cidr, err);
  }
}

void LinkManager::delete_address(const std::string& name, const std::string& cidr) {
  const LinkPtr link = get_link("delete_address", name);
  const AddrPtr addr = make_address(rtnl_link_get_ifindex(link.get()), cidr);
  if (const int err = rtnl_addr_delete(sock_.get(), addr.get(), 0); err < 0) {
    fail("delete_address", name + " " + cidr, err);
  }
}

std::vector<AddressInfo> LinkManager::list_addresses(const std::string& name) {
  const int only = name.empty() ? 0 : rtnl_link_get_ifindex(get_link("list_addresses", name).get());
  const auto names = names_by_index(list_links());
  nl_cache* raw = nullptr;
  if (const int err = rtnl_addr_alloc_cache(sock_.get(), &raw); err < 0) {
    fail("list_addresses", name.empty() ? "*" : name, err);
  }
  const CachePtr cache(raw);
  std::vector<AddressInfo> addresses;
  for_each_in<rtnl_addr>(cache.get(), [&](rtnl_addr* addr) {
    const int ifindex = rtnl_addr_get_ifindex(addr);
    nl_addr* local = rtnl_addr_get_local(addr);
    if ((only != 0 && ifindex != only) || local == nullptr) {
      return;
    }
    AddressInfo info;
    info.ifindex = ifindex;
    const auto it = names.find(ifindex);
    info.device = it == names.end() ? "" : it->second;
    info.family = rtnl_addr_get_family(addr);
    info.cidr = format_nl_addr(local, false) + "/" + std::to_string(rtnl_addr_get_prefixlen(addr));
    addresses.push_back(std::move(info));
  });
  return addresses;
}

void LinkManager::route_request(const char* operation, const RouteInfo& route, bool add) {
  const std::string target = route.destination +
                             (route.gateway.empty() ? "" : " via " + route.gateway) +
                             (route.device.empty() ? "" : " dev " + route.device);
  if (route.gateway.empty() && route.device.empty()) {
    throw std::invalid_argument(std::string(operation) + " " + target +
                                ": needs a gateway or a device");
  }
  std::optional<InetPrefix> gateway;
  if (!route.gateway.empty()) {
    gateway = InetPrefix::parse(route.gateway, true);
  }
  NlAddrPtr dst;
  if (route.destination == "default") {
    dst.reset(nl_addr_alloc(0));
    nl_addr_set_family(dst.get(), gateway ? gateway->family : AF_INET);
    nl_addr_set_prefixlen(dst.get(), 0);
  } else {
    dst = to_nl_addr(InetPrefix::parse(route.destination, true));
  }
  if (gateway && gateway->family != nl_addr_get_family(dst.get())) {
    throw std::invalid_argument(std::string(operation) + " " + target + ": mixed address families");
  }

  RoutePtr request(rtnl_route_alloc());
  rtnl_route_set_table(request.get(), RT_TABLE_MAIN);
  rtnl_route_set_type(request.get(), RTN_UNICAST);
  // Added routes are "static", so an operator can tell them from "boot" (ip) and "kernel"
  // ones; removal matches any origin.
  rtnl_route_set_protocol(request.get(), add ? RTPROT_STATIC : RTPROT_UNSPEC);
  rtnl_route_set_scope(request.get(), gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK);
  if (const int err = rtnl_route_set_dst(request.get(), dst.get()); err < 0) {
    fail(operation, target, err);
  }
  rtnl_nexthop* hop = rtnl_route_nh_alloc();
  if (gateway) {
    rtnl_route_nh_set_gateway(hop, to_nl_addr(*gateway).get());
  }
  if (!route.device.empty()) {
    rtnl_route_nh_set_ifindex(hop, rtnl_link_get_ifindex(get_link(operation, route.device).get()));
  }
  rtnl_route_add_nexthop(request.get(), hop);  // the route owns it now

  const int err = add ? rtnl_route_add(sock_.get(), request.get(), NLM_F_EXCL)
                      : rtnl_route_delete(sock_.get(), request.get(), 0);
  if (err < 0) {
    fail(operation, target, err);
  }
}

void LinkManager::add_route(const RouteInfo& route) {
  route_request("add_route", route, true);
}

void LinkManager::delete_route(const RouteInfo& route) {
  route_request("delete_route", route, false);
}

std::vector<RouteInfo> LinkManager::list_routes() {
  const auto names = names_by_index(list_links());
  nl_cache* raw = nullptr;
  if (const int err = rtnl_route_alloc_cache(sock_.get(), AF_UNSPEC, 0, &raw); err < 0) {
    fail("list_routes", "*", err);
  }
  const CachePtr cache(raw);
  std::vector<RouteInfo> routes;
  for_each_in<rtnl_route>(cache.get(), [&](rtnl_route* route) {
    if (rtnl_route_get_table(route) != RT_TABLE_MAIN || rtnl_route_get_type(route) != RTN_UNICAST ||
        rtnl_route_get_protocol(route) == RTPROT_KERNEL) {
      return;
    }
    RouteInfo info;
    nl_addr* dst = rtnl_route_get_dst(route);
    info.destination = nl_addr_get_prefixlen(dst) == 0 ? "default" : format_nl_addr(dst, true);
    if (rtnl_route_get_nnexthops(route) > 0) {
      rtnl_nexthop* hop = rtnl_route_nexthop_n(route, 0);
      if (nl_addr* gw = rtnl_route_nh_get_gateway(hop)) {
        info.gateway = format_nl_addr(gw, false);
      }
      const auto it = names.find(rtnl_route_nh_get_ifindex(hop));
      info.device = it == names.end() ? "" : it->second;
    }
    routes.push_back(std::move(info));
  });
  return routes;
}

}  // namespace neutrino::agent::netlink
