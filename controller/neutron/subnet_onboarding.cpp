#include "controller/neutron/subnet_onboarding.hpp"

#include "controller/api/api_error.hpp"
#include "controller/ipam/cidr.hpp"
#include "controller/neutron/network_service.hpp"
#include "controller/neutron/subnet_service.hpp"

namespace neutrino::neutron {
namespace {

std::string network_of(const Json& body) {
  const auto it = body.find("network_id");
  if (it == body.end() || it->is_null()) {
    throw api::bad_request("Invalid input for operation: network_id must be specified.",
                           "InvalidInput");
  }
  if (!it->is_string()) {
    throw api::bad_request("Invalid input for operation: network_id must be a string.",
                           "InvalidInput");
  }
  return it->get<std::string>();
}

}  // namespace

Json SubnetOnboarding::onboard(store::SqlSession& s, const AuthContext& ctx,
                               const std::string& pool_id, const Json& body) const {
  const std::string network_id = network_of(body);
  const NetworkInfo network = NetworkService::visible(s, ctx, network_id);
  // Neutron refuses to move another project's subnets, even on a network shared with the
  // caller: it would change their address scope.
  if (!ctx.is_admin() && network.project_id != ctx.project_id) {
    throw api::forbidden("Not authorized.", "NotAuthorized");
  }
  const SubnetPoolInfo pool = SubnetPoolService::visible(s, ctx, pool_id);
  std::vector<std::pair<std::string, ipam::Cidr>> subnets;
  for (const auto& r :
       s.query("SELECT id, cidr FROM subnets WHERE network_id = ? AND ip_version = ? AND "
               "(subnetpool_id IS NULL OR subnetpool_id <> ?) ORDER BY created_at, id",
               {network_id, int64_t{pool.ip_version}, pool_id})) {
    subnets.emplace_back(r.text(0), ipam::Cidr::parse(r.text(1)));
  }
  std::vector<ipam::Cidr> allocated;
  for (const auto& r : s.query("SELECT cidr FROM subnets WHERE subnetpool_id = ?", {pool_id})) {
    allocated.push_back(ipam::Cidr::parse(r.text(0)));
  }
  Json prefixes = Json::array();
  Json onboarded = Json::array();
  for (const auto& [id, cidr] : subnets) {
    for (const auto& block : allocated) {
      if (block.overlaps(cidr)) {
        throw api::bad_request(
            "Illegal subnetpool update : Onboarding subnet " + id + ": " + cidr.to_string() +
                " conflicts with allocated prefixes in subnet pool " + pool_id + ".",
            "IllegalSubnetPoolUpdate");
      }
    }
    prefixes.push_back(cidr.to_string());
    onboarded.push_back({{"id", id}, {"cidr", cidr.to_string()}});
  }
  if (prefixes.empty()) {
    return onboarded;
  }
  // The pool's own prefix checks (ownership, IP version, address scope overlap) apply.
  pools_.add_prefixes(s, ctx, pool_id, {{"prefixes", prefixes}});
  for (const auto& subnet : onboarded) {
    s.execute("UPDATE subnets SET subnetpool_id = ? WHERE id = ?",
              {pool_id, subnet["id"].get<std::string>()});
    SubnetService::touch(s, subnet["id"].get<std::string>());
  }
  return onboarded;
}

}  // namespace neutrino::neutron
