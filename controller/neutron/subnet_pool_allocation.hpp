#pragma once
// The cidr of a subnet created from a subnet pool: the requested cidr if the pool holds it
// and it is free, otherwise the first free block of the requested (or default) prefix length,
// within the pool's bounds and the project's quota of addresses in it.
#include <optional>
#include <string>

#include "controller/ipam/cidr.hpp"
#include "controller/neutron/subnet_pool_service.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::neutron {

struct PoolRequest {
  std::string project_id;
  int ip_version;
  std::optional<ipam::Cidr> cidr;
  std::optional<int64_t> prefixlen;
};

// Throws Neutron's errors: 400 for a version or bound mismatch, 409 SubnetAllocationError when
// the pool has no room (Neutron answers 500 there), 409 SubnetPoolQuotaExceeded.
ipam::Cidr allocate_from_pool(store::SqlSession& s, const SubnetPoolInfo& pool,
                              const PoolRequest& request);

}  // namespace neutrino::neutron
