#pragma once
// Subnets with their allocation pools, DNS servers and host routes. Pool changes keep the
// addresses already allocated, even ones left outside the new pools (as Neutron does).
#include <optional>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "controller/ipam/cidr.hpp"
#include "controller/ipam/ip_range.hpp"
#include "controller/neutron/ipv6_modes.hpp"
#include "controller/neutron/policy.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::neutron {

// What IP allocation needs to know of a subnet.
struct SubnetInfo {
  std::string id;
  std::string network_id;
  std::string project_id;
  ipam::Cidr cidr;
  std::optional<ipam::IpAddress> gateway;
  std::vector<ipam::IpRange> pools;
  Ipv6Modes modes;
};

class SubnetService {
 public:
  Json create(store::SqlSession& s, const AuthContext& ctx, const Json& attributes) const;
  Json show(store::SqlSession& s, const AuthContext& ctx, const std::string& id) const;
  // Each item also carries its network's "shared", for filtering only: the API removes it.
  std::vector<Json> list(store::SqlSession& s, const AuthContext& ctx) const;
  Json update(store::SqlSession& s, const AuthContext& ctx, const std::string& id,
              const Json& attributes) const;
  void remove(store::SqlSession& s, const AuthContext& ctx, const std::string& id) const;

  // Subnets of a network in creation order.
  static std::vector<SubnetInfo> of_network(store::SqlSession& s, const std::string& network_id);
  // Marks a change: bumps revision_number and updated_at.
  static void touch(store::SqlSession& s, const std::string& id);

 private:
  std::vector<Json> load(store::SqlSession& s, const AuthContext& ctx,
                         const std::optional<std::string>& id) const;
  // The subnet if the caller may see it (own project, or on a network it may see).
  SubnetInfo visible(store::SqlSession& s, const AuthContext& ctx, const std::string& id) const;
};

}  // namespace neutrino::neutron
