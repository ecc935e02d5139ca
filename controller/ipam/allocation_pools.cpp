#include "controller/ipam/allocation_pools.hpp"

#include <algorithm>
#include <numeric>
#include <string>

#include "common/text_prefix.hpp"
#include "controller/api/api_error.hpp"

namespace neutrino::ipam {
namespace {

api::ApiError invalid_pool(const IpRange& pool) {
  return api::bad_request("The allocation pool " + pool.to_string() + " is not valid.",
                          "InvalidAllocationPool");
}

api::ApiError pools_input_error(const std::string& reason) {
  return api::bad_request("Invalid input for allocation_pools. Reason: " + reason + ".");
}

// How Python's str() shows a request value inside neutron-lib's messages, near enough.
std::string show(const Json& value) {
  return json_prefix(value);
}

// Throws the first overlapping pair in input order, as Neutron's pairwise loop reports it.
void check_overlaps(const Cidr& cidr, const std::vector<IpRange>& pools) {
  // Sorting finds out in O(n log n) whether any pair overlaps; only then is the pairwise scan
  // run, to name the same pair Neutron would.
  std::vector<size_t> order(pools.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return pools[a].first < pools[b].first; });
  bool any = false;
  for (size_t i = 1; i < order.size() && !any; ++i) {
    any = pools[order[i - 1]].overlaps(pools[order[i]]);
  }
  if (!any) {
    return;
  }
  for (size_t l = 0; l < pools.size(); ++l) {
    for (size_t r = l + 1; r < pools.size(); ++r) {
      if (pools[l].overlaps(pools[r])) {
        throw api::conflict("OverlappingAllocationPools",
                            "Found overlapping allocation pools: " + pools[l].to_string() + " " +
                                pools[r].to_string() + " for subnet " + cidr.to_string() + ".");
      }
    }
  }
}

}  // namespace

std::vector<IpRange> default_allocation_pools(const Cidr& cidr, std::optional<IpAddress> gateway) {
  const IpRange hosts{cidr.first_host(), cidr.last_host()};
  if (!gateway || !hosts.contains(*gateway)) {
    return {hosts};
  }
  std::vector<IpRange> pools;
  if (*gateway > hosts.first) {
    pools.push_back({hosts.first, *gateway - 1});
  }
  if (*gateway < hosts.last) {
    pools.push_back({gateway->next(), hosts.last});
  }
  return pools;
}

void validate_allocation_pools(const Cidr& cidr, const std::vector<IpRange>& pools,
                               std::optional<IpAddress> gateway) {
  // Neutron refuses unordered or mixed-version ranges while building them, before anything
  // else is looked at.
  for (const auto& pool : pools) {
    if (!pool.valid()) {
      throw invalid_pool(pool);
    }
  }
  const IpRange hosts{cidr.first_host(), cidr.last_host()};
  for (const auto& pool : pools) {
    if (pool.first.version() != cidr.version()) {
      throw invalid_pool(pool);
    }
    if (pool.first < hosts.first || pool.last > hosts.last) {
      throw api::bad_request("The allocation pool " + pool.to_string() +
                                 " spans beyond the subnet cidr " + cidr.to_string() + ".",
                             "OutOfBoundsAllocationPool");
    }
  }
  check_overlaps(cidr, pools);
  if (!gateway) {
    return;
  }
  for (const auto& pool : pools) {
    if (pool.contains(*gateway)) {
      throw api::conflict("GatewayConflictWithAllocationPools",
                          "Gateway ip " + gateway->to_string() +
                              " conflicts with allocation pool " + pool.to_string() + ".");
    }
  }
}

std::vector<IpRange> parse_allocation_pools(const Json& list) {
  if (!list.is_array()) {
    throw pools_input_error("Invalid data format for IP pool: '" + show(list) + "'");
  }
  std::vector<IpRange> pools;
  for (const auto& item : list) {
    if (!item.is_object()) {
      throw pools_input_error("Invalid input. '" + show(item) +
                              "' must be a dictionary with keys: ['start', 'end']");
    }
    if (item.size() != 2 || !item.contains("start") || !item.contains("end")) {
      std::string provided;
      for (const auto& [key, value] : item.items()) {
        provided += (provided.empty() ? "'" : ", '") + key + "'";
      }
      throw pools_input_error(
          "Validation of dictionary's keys failed. Expected keys: {'start', 'end'} Provided "
          "keys: " +
          (provided.empty() ? std::string("set()") : "{" + provided + "}"));
    }
    std::optional<IpAddress> ends[2];
    const char* keys[2] = {"start", "end"};
    for (int i = 0; i < 2; ++i) {
      const Json& value = item.at(keys[i]);
      if (value.is_string()) {
        ends[i] = IpAddress::parse(value.get<std::string>());
      }
      if (!ends[i]) {
        throw pools_input_error("'" + show(value) + "' is not a valid IP address");
      }
    }
    pools.push_back({*ends[0], *ends[1]});
  }
  return pools;
}

void validate_gateway(const Cidr& cidr, const IpAddress& gateway) {
  if (gateway.version() != cidr.version()) {
    throw api::bad_request("Invalid input for operation: gateway_ip '" + gateway.to_string() +
                               "' does not match the ip_version '" +
                               std::to_string(cidr.version()) + "'.",
                           "InvalidInput");
  }
  // Point-to-point /31 and host /32 blocks have no network or broadcast address to protect.
  if (cidr.version() == 4 && cidr.prefix_length() < 31 &&
      (gateway == cidr.network() || gateway == cidr.last())) {
    throw api::bad_request("Invalid input for operation: Gateway is not valid on subnet.",
                           "InvalidInput");
  }
}

}  // namespace neutrino::ipam
