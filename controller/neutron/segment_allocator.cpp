#include "controller/neutron/segment_allocator.hpp"

#include <algorithm>

#include "common/random.hpp"
#include "common/text_prefix.hpp"
#include "controller/api/api_error.hpp"

namespace neutrino::neutron {
namespace {

constexpr int64_t kMaxVni = (1 << 24) - 1;
constexpr int64_t kMaxVlan = 4094;

api::ApiError invalid_input(const std::string& reason) {
  return api::bad_request("Invalid input for operation: " + reason, "InvalidInput");
}

api::ApiError no_network_available() {
  return api::ApiError(503, "NoNetworkAvailable",
                       "Unable to create the network. No tenant network is available for "
                       "allocation.");
}

std::vector<int64_t> ids(store::SqlSession& session, std::string_view sql,
                         const store::SqlParams& params) {
  std::vector<int64_t> out;
  for (const auto& row : session.query(sql, params)) {
    out.push_back(row.integer(0));
  }
  return out;
}

}  // namespace

std::optional<int64_t> pick_free_id(const std::vector<ipam::IdRange>& ranges,
                                    const std::vector<int64_t>& taken) {
  // Ranges may overlap in configuration; merge them so every id counts once.
  std::vector<ipam::IdRange> merged = ranges;
  std::sort(merged.begin(), merged.end(),
            [](const auto& a, const auto& b) { return a.min < b.min; });
  std::vector<ipam::IdRange> disjoint;
  for (const auto& r : merged) {
    if (!disjoint.empty() && r.min <= disjoint.back().max + 1) {
      disjoint.back().max = std::max(disjoint.back().max, r.max);
    } else {
      disjoint.push_back(r);
    }
  }
  int64_t free = 0;
  for (const auto& r : disjoint) {
    const auto lo = std::lower_bound(taken.begin(), taken.end(), int64_t{r.min});
    const auto hi = std::upper_bound(taken.begin(), taken.end(), int64_t{r.max});
    free += int64_t{r.max} - r.min + 1 - (hi - lo);
  }
  if (free <= 0) {
    return std::nullopt;
  }
  int64_t k = static_cast<int64_t>(random::uniform(0, static_cast<uint64_t>(free - 1)));
  for (const auto& r : disjoint) {
    auto it = std::lower_bound(taken.begin(), taken.end(), int64_t{r.min});
    int64_t candidate = r.min;
    // Walk the gaps between taken ids of this range.
    while (candidate <= int64_t{r.max}) {
      const int64_t gap_end =
          (it != taken.end() && *it <= int64_t{r.max}) ? *it - 1 : int64_t{r.max};
      const int64_t gap = gap_end - candidate + 1;
      if (k < gap) {
        return candidate + k;
      }
      k -= gap;
      if (it == taken.end() || *it > int64_t{r.max}) {
        break;
      }
      candidate = *it + 1;
      ++it;
    }
  }
  return std::nullopt;
}

SegmentAllocator::SegmentAllocator(const NetworkSettings& settings)
    : vni_ranges_(ipam::parse_id_ranges(settings.vni_ranges)),
      vlan_ranges_(ipam::parse_vlan_ranges(settings.network_vlan_ranges)),
      flat_networks_(ipam::parse_name_list(settings.flat_networks)),
      physnet_mtu_(settings.global_physnet_mtu) {}

int SegmentAllocator::max_mtu(const Segment& segment) const {
  return segment.network_type == "vxlan" ? physnet_mtu_ - 50 : physnet_mtu_;
}

Segment SegmentAllocator::allocate(store::SqlSession& session, const std::string& network_id,
                                   const SegmentRequest& request) const {
  if (request.empty()) {
    return allocate_vxlan(session, network_id, std::nullopt);
  }
  if (!request.network_type) {
    throw invalid_input("provider:network_type required");
  }
  const std::string& type = *request.network_type;
  if (type == "vxlan") {
    if (request.physical_network) {
      throw invalid_input("provider:physical_network specified for VXLAN network");
    }
    return allocate_vxlan(session, network_id, request.segmentation_id);
  }
  if (type == "vlan") {
    if (!request.physical_network || request.physical_network->empty()) {
      throw invalid_input("provider:physical_network required for VLAN provider network");
    }
    return allocate_vlan(session, network_id, *request.physical_network, request.segmentation_id);
  }
  if (type == "flat") {
    if (request.segmentation_id) {
      throw invalid_input("provider:segmentation_id specified for flat network");
    }
    if (!request.physical_network || request.physical_network->empty()) {
      throw invalid_input("provider:physical_network required for flat provider network");
    }
    return allocate_flat(session, network_id, *request.physical_network);
  }
  throw invalid_input("network_type value '" + text_prefix(type) + "' not supported");
}

Segment SegmentAllocator::allocate_vxlan(store::SqlSession& session, const std::string& network_id,
                                         std::optional<int64_t> id) const {
  if (id) {
    if (*id < 1 || *id > kMaxVni) {
      throw invalid_input("segmentation_id out of range (1 through 16777215)");
    }
  } else {
    id = pick_free_id(vni_ranges_,
                      ids(session, "SELECT vxlan_vni FROM ml2_vxlan_allocations ORDER BY 1", {}));
    if (!id) {
      throw no_network_available();
    }
  }
  try {
    session.execute("INSERT INTO ml2_vxlan_allocations (vxlan_vni, network_id) VALUES (?, ?)",
                    {*id, network_id});
  } catch (const store::ConstraintViolation&) {
    throw api::conflict("TunnelIdInUse", "Unable to create the network. The tunnel ID " +
                                             std::to_string(*id) + " is in use.");
  }
  return Segment{"vxlan", std::nullopt, *id};
}

Segment SegmentAllocator::allocate_vlan(store::SqlSession& session, const std::string& network_id,
                                        const std::string& physnet,
                                        std::optional<int64_t> id) const {
  const auto ranges = vlan_ranges_.find(physnet);
  if (ranges == vlan_ranges_.end()) {
    throw invalid_input("physical_network '" + text_prefix(physnet) +
                        "' unknown for VLAN provider network");
  }
  if (id) {
    if (*id < 1 || *id > kMaxVlan) {
      throw invalid_input("provider:segmentation_id out of range (1 through 4094)");
    }
  } else {
    id = pick_free_id(ranges->second,
                      ids(session,
                          "SELECT vlan_id FROM ml2_vlan_allocations WHERE physical_network = ? "
                          "ORDER BY 1",
                          {physnet}));
    if (!id) {
      throw no_network_available();
    }
  }
  try {
    session.execute(
        "INSERT INTO ml2_vlan_allocations (physical_network, vlan_id, network_id) VALUES (?, ?, ?)",
        {physnet, *id, network_id});
  } catch (const store::ConstraintViolation&) {
    throw api::conflict("VlanIdInUse", "Unable to create the network. The VLAN " +
                                           std::to_string(*id) + " on physical network " + physnet +
                                           " is in use.");
  }
  return Segment{"vlan", physnet, *id};
}

Segment SegmentAllocator::allocate_flat(store::SqlSession& session, const std::string& network_id,
                                        const std::string& physnet) const {
  if (!flat_networks_.contains("*") && !flat_networks_.contains(physnet)) {
    throw invalid_input("physical_network '" + text_prefix(physnet) +
                        "' unknown for flat provider network");
  }
  try {
    session.execute("INSERT INTO ml2_flat_allocations (physical_network, network_id) VALUES (?, ?)",
                    {physnet, network_id});
  } catch (const store::ConstraintViolation&) {
    throw api::conflict("FlatNetworkInUse", "Unable to create the flat network. Physical network " +
                                                physnet + " is in use.");
  }
  return Segment{"flat", physnet, std::nullopt};
}

}  // namespace neutrino::neutron
