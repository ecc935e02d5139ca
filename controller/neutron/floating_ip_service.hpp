#pragma once
// Floating IPs (Neutron's router extension and fip-port-details): an address from a
// router:external network's subnet, held by a network:floatingip port, optionally associated
// with a fixed IPv4 address of a port whose subnet a router joins to that external network.
// Associating, moving (associating to another port) and disassociating (port_id null) are
// updates.
#include <optional>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "controller/neutron/l3_ports.hpp"
#include "controller/neutron/policy.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::neutron {

class FloatingIpService {
 public:
  explicit FloatingIpService(const L3Ports& ports) : ports_(ports) {}

  Json create(store::SqlSession& s, const AuthContext& ctx, const Json& attributes) const;
  Json show(store::SqlSession& s, const AuthContext& ctx, const std::string& id) const;
  std::vector<Json> list(store::SqlSession& s, const AuthContext& ctx) const;
  Json update(store::SqlSession& s, const AuthContext& ctx, const std::string& id,
              const Json& attributes) const;
  void remove(store::SqlSession& s, const AuthContext& ctx, const std::string& id) const;

  // Marks a change: bumps revision_number and updated_at, and journals the floating IP.
  static void touch(store::SqlSession& s, const std::string& id);
  // Deletes the floating IPs of an external network that goes (their ports go with it).
  static void remove_on_network(store::SqlSession& s, const std::string& network_id);

 private:
  std::vector<Json> load(store::SqlSession& s, const AuthContext& ctx,
                         const std::optional<std::string>& id) const;
  // Points the floating IP at `port_id`'s fixed address (nullopt port: disassociates).
  void associate(store::SqlSession& s, const AuthContext& ctx, const std::string& id,
                 const std::optional<std::string>& port_id,
                 const std::optional<std::string>& fixed_ip_address) const;

  const L3Ports& ports_;
};

}  // namespace neutrino::neutron
