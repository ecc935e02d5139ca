#pragma once
// Interfaces, addresses and routes of one network namespace, through rtnetlink (libnl-3).
// The netlink socket is created inside the namespace, so every request made through it acts
// there, whichever thread makes it; the calling thread never changes namespace.
//
// Requests are strict, like `ip`: adding what exists or removing what does not throws
// NetlinkError naming the operation, the interface and the namespace. The reconciler lists
// first and changes only the difference.
//
// One LinkManager is not safe for concurrent use (one netlink socket, one sequence space).
// It keeps its namespace alive while it exists.
#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent/netlink/netlink_error.hpp"
#include "agent/netlink/netlink_records.hpp"
#include "agent/netlink/unique_fd.hpp"

struct nl_sock;
struct rtnl_link;

namespace neutrino::agent::netlink {

class LinkManager {
 public:
  // `ns` names a namespace under /run/netns; empty means the namespace of the calling thread.
  explicit LinkManager(std::string ns = "");
  ~LinkManager();
  LinkManager(LinkManager&&) noexcept;
  LinkManager& operator=(LinkManager&&) noexcept;

  const std::string& ns() const { return ns_; }

  // A veth pair `name` <-> `peer_name`. The peer is created directly in `peer_ns` (empty: this
  // namespace), so it never appears, even briefly, where it could clash with another name.
  void create_veth(const std::string& name, const std::string& peer_name,
                   const std::string& peer_ns = "");
  // A persistent tap device (IFF_TAP | IFF_NO_PI) for a guest NIC; `owner` lets an unprivileged
  // hypervisor process (qemu) attach to it.
  void create_tap(const std::string& name, std::optional<uid_t> owner = std::nullopt);
  void delete_link(const std::string& name);
  // Moves the interface into namespace `ns`. It loses its addresses and goes down, as always.
  void move_to_namespace(const std::string& name, const std::string& ns);

  void set_mtu(const std::string& name, unsigned mtu);
  // `mac` as "aa:bb:cc:dd:ee:ff".
  void set_mac(const std::string& name, const std::string& mac);
  void set_up(const std::string& name);
  void set_down(const std::string& name);

  std::optional<LinkInfo> find_link(const std::string& name);
  std::vector<LinkInfo> list_links();

  // `cidr` with its prefix: "10.0.0.2/24", "fd00::2/64". IPv4 addresses get the subnet's
  // broadcast address, as `ip addr add ... brd +` gives them.
  void add_address(const std::string& name, const std::string& cidr);
  void delete_address(const std::string& name, const std::string& cidr);
  // Addresses of `name`, or of every interface when `name` is empty.
  std::vector<AddressInfo> list_addresses(const std::string& name = "");

  // Routes in the main table. A route needs a gateway, a device, or both. "default" means
  // 0.0.0.0/0, or ::/0 when the gateway is IPv6.
  void add_route(const RouteInfo& route);
  void delete_route(const RouteInfo& route);
  // Main-table unicast routes, except the connected ones the kernel derives from addresses.
  std::vector<RouteInfo> list_routes();

 private:
  struct SocketDeleter {
    void operator()(nl_sock* sock) const;
  };

  struct LinkDeleter {
    void operator()(rtnl_link* link) const;
  };
  using LinkPtr = std::unique_ptr<rtnl_link, LinkDeleter>;

  LinkPtr get_link(const char* operation, const std::string& name);
  void change_link(const char* operation, const std::string& name, rtnl_link* changes);
  void route_request(const char* operation, const RouteInfo& route, bool add);
  [[noreturn]] void fail(const char* operation, const std::string& target, int error) const;
  std::string where() const;

  std::string ns_;
  UniqueFd ns_fd_;
  std::unique_ptr<nl_sock, SocketDeleter> sock_;
};

}  // namespace neutrino::agent::netlink
