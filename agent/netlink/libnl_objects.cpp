#include "agent/netlink/libnl_objects.hpp"

#include <net/if.h>
#include <netlink/errno.h>
#include <sys/socket.h>

#include <cctype>
#include <cstdio>
#include <new>
#include <stdexcept>

namespace neutrino::agent::netlink::libnl {

void check_ifname(const std::string& name) {
  // libnl silently truncates longer names; the kernel would then create a different device.
  if (name.empty() || name.size() >= IFNAMSIZ || name.find('/') != std::string::npos) {
    throw std::invalid_argument("invalid interface name '" + name + "'");
  }
}

bool is_not_found(int error) {
  return error == -NLE_OBJ_NOTFOUND || error == -NLE_NODEV || error == -NLE_NOADDR;
}

NlAddrPtr to_nl_addr(const InetPrefix& prefix) {
  NlAddrPtr addr(nl_addr_build(prefix.family, prefix.bytes.data(), prefix.size()));
  if (!addr) {
    throw std::bad_alloc();
  }
  nl_addr_set_prefixlen(addr.get(), static_cast<int>(prefix.prefix_len));
  return addr;
}

std::string format_mac(nl_addr* addr) {
  if (addr == nullptr || nl_addr_get_len(addr) != 6) {
    return "";
  }
  const auto* b = static_cast<const uint8_t*>(nl_addr_get_binary_addr(addr));
  char text[18];
  std::snprintf(text, sizeof(text), "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4],
                b[5]);
  return text;
}

NlAddrPtr parse_mac(const std::string& mac) {
  uint8_t bytes[6];
  char tail = 0;
  unsigned v[6];
  if (mac.size() != 17 || std::sscanf(mac.c_str(), "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2],
                                      &v[3], &v[4], &v[5], &tail) != 6) {
    throw std::invalid_argument("invalid MAC address '" + mac + "'");
  }
  for (int i = 0; i < 6; ++i) {
    bytes[i] = static_cast<uint8_t>(v[i]);
  }
  NlAddrPtr addr(nl_addr_build(AF_LLC, bytes, sizeof(bytes)));
  if (!addr) {
    throw std::bad_alloc();
  }
  return addr;
}

std::string format_nl_addr(nl_addr* addr, bool with_prefix) {
  const int family = nl_addr_get_family(addr);
  if (nl_addr_get_len(addr) == 0) {
    return family == AF_INET6 ? "::" : "0.0.0.0";
  }
  std::string text = InetPrefix::format_address(family, nl_addr_get_binary_addr(addr));
  if (with_prefix) {
    text += "/" + std::to_string(nl_addr_get_prefixlen(addr));
  }
  return text;
}

LinkInfo to_info(rtnl_link* link) {
  LinkInfo info;
  info.ifindex = rtnl_link_get_ifindex(link);
  const char* name = rtnl_link_get_name(link);
  info.name = name ? name : "";
  const char* kind = rtnl_link_get_type(link);
  info.kind = kind ? kind : "";
  info.mtu = rtnl_link_get_mtu(link);
  info.mac = format_mac(rtnl_link_get_addr(link));
  info.flags = rtnl_link_get_flags(link);
  char state[32] = {};
  rtnl_link_operstate2str(rtnl_link_get_operstate(link), state, sizeof(state));
  info.operstate = state;
  for (char& c : info.operstate) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return info;
}

std::map<int, std::string> names_by_index(const std::vector<LinkInfo>& links) {
  std::map<int, std::string> names;
  for (const auto& link : links) {
    names[link.ifindex] = link.name;
  }
  return names;
}

}  // namespace neutrino::agent::netlink::libnl
