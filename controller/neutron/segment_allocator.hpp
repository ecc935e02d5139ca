#pragma once
// Hands out network segments: VXLAN VNIs for tenant networks from the configured ranges, and
// provider segments (vlan on a physnet, vxlan with an explicit id, flat) for admins. The
// allocation tables' primary keys make an id impossible to hand out twice; a network's
// allocation rows cascade away with it, freeing its id.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "controller/ipam/range_list.hpp"
#include "controller/neutron/network_settings.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::neutron {

struct Segment {
  std::string network_type;  // "vxlan", "vlan", "flat"
  std::optional<std::string> physical_network;
  std::optional<int64_t> segmentation_id;
};

// What the caller asked for through provider:* attributes; all empty for a tenant network.
struct SegmentRequest {
  std::optional<std::string> network_type;
  std::optional<std::string> physical_network;
  std::optional<int64_t> segmentation_id;

  bool empty() const { return !network_type && !physical_network && !segmentation_id; }
};

class SegmentAllocator {
 public:
  // Throws std::invalid_argument for malformed range settings.
  explicit SegmentAllocator(const NetworkSettings& settings);

  // Runs inside the caller's transaction; throws api::ApiError (400/409/503) as Neutron does.
  Segment allocate(store::SqlSession& session, const std::string& network_id,
                   const SegmentRequest& request) const;
  // Largest MTU a network on this segment can carry (VXLAN costs 50 bytes of IPv4 underlay).
  int max_mtu(const Segment& segment) const;

 private:
  Segment allocate_vxlan(store::SqlSession& session, const std::string& network_id,
                         std::optional<int64_t> id) const;
  Segment allocate_vlan(store::SqlSession& session, const std::string& network_id,
                        const std::string& physnet, std::optional<int64_t> id) const;
  Segment allocate_flat(store::SqlSession& session, const std::string& network_id,
                        const std::string& physnet) const;

  std::vector<ipam::IdRange> vni_ranges_;
  std::map<std::string, std::vector<ipam::IdRange>> vlan_ranges_;
  std::set<std::string> flat_networks_;
  int physnet_mtu_;
};

// Picks uniformly among the ids inside `ranges` that are not in `taken` (sorted ascending).
// Neutron picks at random too, so ids of deleted networks are not reused at once.
std::optional<int64_t> pick_free_id(const std::vector<ipam::IdRange>& ranges,
                                    const std::vector<int64_t>& taken);

}  // namespace neutrino::neutron
