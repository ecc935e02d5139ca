#include "controller/neutron/subnet_pool_allocation.hpp"

#include <vector>

#include "controller/api/api_error.hpp"
#include "controller/ipam/prefix_set.hpp"

namespace neutrino::neutron {
namespace {

api::ApiError allocation_error(const std::string& reason) {
  return api::conflict("SubnetAllocationError", "Failed to allocate subnet: " + reason + ".");
}

// A block's size in the pool's quota units: addresses for IPv4, /64 networks for IPv6.
ipam::uint128 quota_units(const ipam::Cidr& block) {
  const int unit_bits = block.version() == 4 ? 32 : 64;
  const int shift = unit_bits - block.prefix_length();
  return shift <= 0 ? 1 : ipam::uint128{1} << shift;
}

void check_quota(store::SqlSession& s, const SubnetPoolInfo& pool, const std::string& project,
                 const ipam::Cidr& block) {
  if (!pool.default_quota) {
    return;
  }
  ipam::uint128 used = quota_units(block);
  for (const auto& r :
       s.query("SELECT cidr FROM subnets WHERE subnetpool_id = ? AND project_id = ?",
               {pool.id, project})) {
    used += quota_units(ipam::Cidr::parse(r.text(0)));
  }
  if (used > static_cast<ipam::uint128>(*pool.default_quota)) {
    throw api::conflict("SubnetPoolQuotaExceeded", "Per-tenant subnet pool prefix quota exceeded.");
  }
}

}  // namespace

ipam::Cidr allocate_from_pool(store::SqlSession& s, const SubnetPoolInfo& pool,
                              const PoolRequest& request) {
  if (request.ip_version != pool.ip_version) {
    throw api::bad_request("Bad subnets request: Cannot allocate IPv" +
                           std::to_string(request.ip_version) + " subnet from IPv" +
                           std::to_string(pool.ip_version) + " subnet pool.");
  }
  if (request.cidr && request.prefixlen) {
    throw api::bad_request(
        "Bad subnets request: cidr and prefixlen must not be supplied together.");
  }
  // Serialises allocations from this pool: every one writes the pool's row first.
  s.execute("UPDATE subnetpools SET allocations = allocations + 1 WHERE id = ?", {pool.id});
  const int64_t length = request.cidr ? request.cidr->prefix_length()
                                      : request.prefixlen.value_or(pool.default_prefixlen);
  if (length < pool.min_prefixlen) {
    throw api::bad_request("Unable to allocate subnet with prefix length " +
                               std::to_string(length) + ", minimum allowed prefix is " +
                               std::to_string(pool.min_prefixlen) + ".",
                           "MinPrefixSubnetAllocationError");
  }
  if (length > pool.max_prefixlen) {
    throw api::bad_request("Unable to allocate subnet with prefix length " +
                               std::to_string(length) + ", maximum allowed prefix is " +
                               std::to_string(pool.max_prefixlen) + ".",
                           "MaxPrefixSubnetAllocationError");
  }
  std::vector<ipam::Cidr> used;
  for (const auto& r : s.query("SELECT cidr FROM subnets WHERE subnetpool_id = ?", {pool.id})) {
    used.push_back(ipam::Cidr::parse(r.text(0)));
  }
  std::optional<ipam::Cidr> block;
  if (request.cidr) {
    bool free = ipam::covers(pool.prefixes, *request.cidr);
    for (const auto& u : used) {
      free = free && !u.overlaps(*request.cidr);
    }
    if (!free) {
      throw allocation_error("Cannot allocate requested subnet from the available set of prefixes");
    }
    block = request.cidr;
  } else {
    block = ipam::first_free_block(pool.prefixes, used, static_cast<int>(length));
    if (!block) {
      throw allocation_error("Insufficient prefix space to allocate subnet size /" +
                             std::to_string(length));
    }
  }
  check_quota(s, pool, request.project_id, *block);
  return *block;
}

}  // namespace neutrino::neutron
