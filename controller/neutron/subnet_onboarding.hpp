#pragma once
// subnet_onboard: PUT /v2.0/subnetpools/{id}/onboard_network_subnets {"network_id": ...}
// moves a network's existing subnets of the pool's IP version into the pool, as Neutron's
// onboard_network_subnets does: their cidrs join the pool's prefixes (the pool's own checks,
// address scope overlap included) and the subnets name the pool. A cidr overlapping a subnet
// already allocated from the pool is refused (IllegalSubnetPoolUpdate); a member must own the
// network and the pool.
#include <string>

#include "common/json.hpp"
#include "controller/neutron/policy.hpp"
#include "controller/neutron/subnet_pool_service.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::neutron {

class SubnetOnboarding {
 public:
  explicit SubnetOnboarding(const SubnetPoolService& pools) : pools_(pools) {}

  // The onboarded subnets: [{"id", "cidr"}], Neutron's answer.
  Json onboard(store::SqlSession& s, const AuthContext& ctx, const std::string& pool_id,
               const Json& body) const;

 private:
  const SubnetPoolService& pools_;
};

}  // namespace neutrino::neutron
