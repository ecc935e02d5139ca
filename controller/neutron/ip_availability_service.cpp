#include "controller/neutron/ip_availability_service.hpp"

#include <algorithm>
#include <limits>
#include <map>

#include "controller/ipam/cidr.hpp"
#include "controller/ipam/ip_range.hpp"

namespace neutrino::neutron {
namespace {

using ipam::uint128;

// JSON numbers stop at 2^64-1; a subnet larger than that (an IPv6 prefix shorter than /64
// with a pool to match) reports that ceiling.
Json count_json(uint128 n) {
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  return Json(n > kMax ? kMax : static_cast<uint64_t>(n));
}

uint128 saturating_add(uint128 a, uint128 b) {
  return a > std::numeric_limits<uint128>::max() - b ? std::numeric_limits<uint128>::max() : a + b;
}

// Sum of the subnet's pool sizes; the whole cidr when it has no pool, as Neutron counts it.
std::map<std::string, uint128> totals_by_subnet(store::SqlSession& s) {
  std::map<std::string, uint128> totals;
  for (const auto& row : s.query("SELECT subnet_id, first_ip, last_ip FROM ipallocationpools")) {
    const auto first = ipam::IpAddress::parse(row.text(1));
    const auto last = ipam::IpAddress::parse(row.text(2));
    if (first && last) {
      totals[row.text(0)] =
          saturating_add(totals[row.text(0)], ipam::IpRange{*first, *last}.size());
    }
  }
  return totals;
}

std::vector<Json> build(store::SqlSession& s, const std::optional<std::string>& network_id,
                        const std::vector<int>& ip_versions) {
  const auto totals = totals_by_subnet(s);
  std::map<std::string, int64_t> used;
  for (const auto& row :
       s.query("SELECT subnet_id, COUNT(*) FROM ipallocations GROUP BY subnet_id")) {
    used[row.text(0)] = row.integer(1);
  }
  std::string sql = "SELECT id, name, project_id FROM networks";
  store::SqlParams params;
  if (network_id) {
    sql += " WHERE id = ?";
    params.push_back(*network_id);
  }
  std::vector<Json> out;
  for (const auto& net : s.query(sql + " ORDER BY id", params)) {
    uint128 network_total = 0;
    int64_t network_used = 0;
    Json subnets = Json::array();
    for (const auto& sub : s.query("SELECT id, name, cidr, ip_version FROM subnets WHERE "
                                   "network_id = ? ORDER BY created_at, id",
                                   {net.text(0)})) {
      const int version = static_cast<int>(sub.integer(3));
      if (!ip_versions.empty() &&
          std::find(ip_versions.begin(), ip_versions.end(), version) == ip_versions.end()) {
        continue;
      }
      uint128 total = 0;
      if (const auto pooled = totals.find(sub.text(0)); pooled != totals.end()) {
        total = pooled->second;
      } else if (const auto cidr = ipam::Cidr::try_parse(sub.text(2))) {
        total = cidr->size();
      }
      const auto counted = used.find(sub.text(0));
      const int64_t in_use = counted == used.end() ? 0 : counted->second;
      subnets.push_back({{"subnet_id", sub.text(0)},
                         {"subnet_name", sub.text(1)},
                         {"cidr", sub.text(2)},
                         {"ip_version", version},
                         {"total_ips", count_json(total)},
                         {"used_ips", in_use}});
      network_total = saturating_add(network_total, total);
      network_used += in_use;
    }
    out.push_back({{"network_id", net.text(0)},
                   {"network_name", net.text(1)},
                   {"project_id", net.text(2)},
                   {"tenant_id", net.text(2)},
                   {"total_ips", count_json(network_total)},
                   {"used_ips", network_used},
                   {"subnet_ip_availability", subnets}});
  }
  return out;
}

}  // namespace

std::vector<Json> IpAvailabilityService::list(store::SqlSession& s,
                                              const std::vector<int>& ip_versions) {
  return build(s, std::nullopt, ip_versions);
}

std::optional<Json> IpAvailabilityService::show(store::SqlSession& s,
                                                const std::string& network_id) {
  auto found = build(s, network_id, {});
  if (found.empty()) {
    return std::nullopt;
  }
  return std::move(found[0]);
}

}  // namespace neutrino::neutron
