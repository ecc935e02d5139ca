#pragma once
// libnl objects with owners, and the conversions between them and our records. Internal to
// agent/netlink: nothing outside includes libnl headers.
#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "agent/netlink/inet_prefix.hpp"
#include "agent/netlink/netlink_records.hpp"

namespace neutrino::agent::netlink::libnl {

template <typename T, void (*Release)(T*)>
struct Releaser {
  void operator()(T* p) const { Release(p); }
};
using AddrPtr = std::unique_ptr<rtnl_addr, Releaser<rtnl_addr, rtnl_addr_put>>;
using NlAddrPtr = std::unique_ptr<nl_addr, Releaser<nl_addr, nl_addr_put>>;
using RoutePtr = std::unique_ptr<rtnl_route, Releaser<rtnl_route, rtnl_route_put>>;
using CachePtr = std::unique_ptr<nl_cache, Releaser<nl_cache, nl_cache_free>>;

// Throws std::invalid_argument for names the kernel would refuse or libnl would truncate.
void check_ifname(const std::string& name);
// The kernel's and libnl's ways of saying "no such link/address".
bool is_not_found(int error);

NlAddrPtr to_nl_addr(const InetPrefix& prefix);
// "aa:bb:cc:dd:ee:ff" <-> AF_LLC address. parse_mac throws std::invalid_argument.
NlAddrPtr parse_mac(const std::string& mac);
std::string format_mac(nl_addr* addr);
// An IP address as `ip` prints it, optionally with "/prefixlen".
std::string format_nl_addr(nl_addr* addr, bool with_prefix);

LinkInfo to_info(rtnl_link* link);
// ifindex -> name, to name devices in address and route dumps.
std::map<int, std::string> names_by_index(const std::vector<LinkInfo>& links);

template <typename T, typename F>
void for_each_in(nl_cache* cache, F f) {
  for (nl_object* obj = nl_cache_get_first(cache); obj != nullptr; obj = nl_cache_get_next(obj)) {
    f(reinterpret_cast<T*>(obj));
  }
}

}  // namespace neutrino::agent::netlink::libnl
