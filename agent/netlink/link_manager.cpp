#include "agent/netlink/link_manager.hpp"

#include <fcntl.h>
#include <linux/if_tun.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <netlink/socket.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "agent/netlink/libnl_objects.hpp"
#include "agent/netlink/namespace_exec.hpp"
#include "common/log.hpp"

namespace neutrino::agent::netlink {

using libnl::CachePtr;
using libnl::check_ifname;
using libnl::for_each_in;
using libnl::is_not_found;
using libnl::NlAddrPtr;
using libnl::parse_mac;
using libnl::to_info;

void LinkManager::SocketDeleter::operator()(nl_sock* sock) const {
  nl_socket_free(sock);
}
void LinkManager::LinkDeleter::operator()(rtnl_link* link) const {
  rtnl_link_put(link);
}

LinkManager::LinkManager(std::string ns) : ns_(std::move(ns)) {
  ns_fd_ = ns_.empty() ? current_namespace_fd() : open_namespace_fd(ns_);
  const auto connect = [this] {
    std::unique_ptr<nl_sock, SocketDeleter> sock(nl_socket_alloc());
    if (!sock) {
      throw std::bad_alloc();
    }
    if (const int err = nl_connect(sock.get(), NETLINK_ROUTE); err < 0) {
      fail("connect", "rtnetlink", err);
    }
    return sock;
  };
  // The socket stays bound to the namespace it was opened in: only opening it needs a helper
  // thread there.
  sock_ = ns_.empty() ? connect() : run_in_fd(ns_fd_.get(), connect);
}

LinkManager::~LinkManager() = default;
LinkManager::LinkManager(LinkManager&&) noexcept = default;
LinkManager& LinkManager::operator=(LinkManager&&) noexcept = default;

std::string LinkManager::where() const {
  return ns_.empty() ? "" : " (netns " + ns_ + ")";
}

void LinkManager::fail(const char* operation, const std::string& target, int error) const {
  throw NetlinkError(std::string(operation) + " " + target + where() + ": " + nl_geterror(error),
                     error < 0 ? -error : error);
}

LinkManager::LinkPtr LinkManager::get_link(const char* operation, const std::string& name) {
  check_ifname(name);
  rtnl_link* raw = nullptr;
  if (const int err = rtnl_link_get_kernel(sock_.get(), 0, name.c_str(), &raw); err < 0) {
    fail(operation, name, err);
  }
  return LinkPtr(raw);
}

void LinkManager::change_link(const char* operation, const std::string& name, rtnl_link* changes) {
  const LinkPtr orig = get_link(operation, name);
  if (const int err = rtnl_link_change(sock_.get(), orig.get(), changes, 0); err < 0) {
    fail(operation, name, err);
  }
}

void LinkManager::create_veth(const std::string& name, const std::string& peer_name,
                              const std::string& peer_ns) {
  check_ifname(name);
  check_ifname(peer_name);
  LinkPtr link(rtnl_link_veth_alloc());
  if (!link) {
    throw std::bad_alloc();
  }
  const LinkPtr peer(rtnl_link_veth_get_peer(link.get()));
  rtnl_link_set_name(link.get(), name.c_str());
  rtnl_link_set_name(peer.get(), peer_name.c_str());
  UniqueFd peer_fd;
  if (!peer_ns.empty()) {
    peer_fd = open_namespace_fd(peer_ns);
    rtnl_link_set_ns_fd(peer.get(), peer_fd.get());
  }
  if (const int err = rtnl_link_add(sock_.get(), link.get(), NLM_F_CREATE | NLM_F_EXCL); err < 0) {
    fail("create_veth", name + "/" + peer_name, err);
  }
  log::debug("netlink: veth ", name, where(), " <-> ", peer_name,
             peer_ns.empty() ? "" : " (netns " + peer_ns + ")");
}

void LinkManager::create_tap(const std::string& name, std::optional<uid_t> owner) {
  check_ifname(name);
  // TUNSETIFF attaches to an existing tap of that name instead of failing: refuse explicitly.
  if (find_link(name)) {
    fail("create_tap", name, -NLE_EXIST);
  }
  // A tun device is created in the namespace of the thread that opens /dev/net/tun.
  const auto create = [&]() -> std::string {
    const UniqueFd tun(::open("/dev/net/tun", O_RDWR | O_CLOEXEC));
    if (!tun) {
      return std::string("open /dev/net/tun: ") + std::strerror(errno);
    }
    ifreq ifr{};
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
    if (::ioctl(tun.get(), TUNSETIFF, &ifr) != 0) {
      return std::string("TUNSETIFF: ") + std::strerror(errno);
    }
    if (owner && ::ioctl(tun.get(), TUNSETOWNER, static_cast<unsigned long>(*owner)) != 0) {
      return std::string("TUNSETOWNER: ") + std::strerror(errno);
    }
    // Persistent: the device outlives this descriptor until delete_link().
    if (::ioctl(tun.get(), TUNSETPERSIST, 1UL) != 0) {
      return std::string("TUNSETPERSIST: ") + std::strerror(errno);
    }
    return "";
  };
  if (const std::string error = run_in_fd(ns_fd_.get(), create); !error.empty()) {
    throw NetlinkError("create_tap " + name + where() + ": " + error, 0);
  }
  log::debug("netlink: tap ", name, where());
}

void LinkManager::delete_link(const std::string& name) {
  check_ifname(name);
  LinkPtr link(rtnl_link_alloc());
  rtnl_link_set_name(link.get(), name.c_str());
  if (const int err = rtnl_link_delete(sock_.get(), link.get()); err < 0) {
    fail("delete_link", name, err);
  }
}

void LinkManager::move_to_namespace(const std::string& name, const std::string& ns) {
  const UniqueFd target = open_namespace_fd(ns);
  LinkPtr changes(rtnl_link_alloc());
  rtnl_link_set_ns_fd(changes.get(), target.get());
  change_link("move_to_namespace", name, changes.get());
}

void LinkManager::set_mtu(const std::string& name, unsigned mtu) {
  LinkPtr changes(rtnl_link_alloc());
  rtnl_link_set_mtu(changes.get(), mtu);
  change_link("set_mtu", name, changes.get());
}

void LinkManager::set_mac(const std::string& name, const std::string& mac) {
  const NlAddrPtr addr = parse_mac(mac);
  LinkPtr changes(rtnl_link_alloc());
  rtnl_link_set_addr(changes.get(), addr.get());
  change_link("set_mac", name, changes.get());
}

void LinkManager::set_up(const std::string& name) {
  LinkPtr changes(rtnl_link_alloc());
  rtnl_link_set_flags(changes.get(), IFF_UP);
  change_link("set_up", name, changes.get());
}

void LinkManager::set_down(const std::string& name) {
  LinkPtr changes(rtnl_link_alloc());
  rtnl_link_unset_flags(changes.get(), IFF_UP);
  change_link("set_down", name, changes.get());
}

std::optional<LinkInfo> LinkManager::find_link(const std::string& name) {
  check_ifname(name);
  rtnl_link* raw = nullptr;
  const int err = rtnl_link_get_kernel(sock_.get(), 0, name.c_str(), &raw);
  if (is_not_found(err)) {
    return std::nullopt;
  }
  if (err < 0) {
    fail("find_link", name, err);
  }
  const LinkPtr link(raw);
  return to_info(link.get());
}

std::vector<LinkInfo> LinkManager::list_links() {
  nl_cache* raw = nullptr;
  if (const int err = rtnl_link_alloc_cache(sock_.get(), AF_UNSPEC, &raw); err < 0) {
    fail("list_links", "*", err);
  }
  const CachePtr cache(raw);
  std::vector<LinkInfo> links;
  for_each_in<rtnl_link>(cache.get(), [&](rtnl_link* link) { links.push_back(to_info(link)); });
  return links;
}

}  // namespace neutrino::agent::netlink
