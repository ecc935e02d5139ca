#pragma once
// Parsing of the ML2 segment settings, in Neutron's syntax: vni_ranges "1:1000,2000:3000",
// network_vlan_ranges "physnet1:100:200,physnet2", flat_networks "physnet1,physnet2" or "*".
// Items may carry spaces around them, as oslo.config list options allow. Malformed text
// throws std::invalid_argument naming the offending item, so the daemon refuses to start.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace neutrino::ipam {

// Inclusive range of segmentation ids.
struct IdRange {
  uint32_t min;
  uint32_t max;

  friend bool operator==(const IdRange&, const IdRange&) = default;
};

// "min:max[,min:max...]"; an empty string is no ranges. Every id must lie within `allowed`
// (e.g. {1, 16777215} for VXLAN VNIs) and min <= max.
std::vector<IdRange> parse_id_ranges(std::string_view text, IdRange allowed = {1, UINT32_MAX});

// "physnet[:min:max][,...]". A physnet without ids is usable for provider networks only (its
// vector is empty); repeated physnets collect their ranges. VLAN ids must be in 1..4094.
std::map<std::string, std::vector<IdRange>> parse_vlan_ranges(std::string_view text);

// "name[,name...]", "*" meaning any physnet; an empty string is no names.
std::set<std::string> parse_name_list(std::string_view text);

}  // namespace neutrino::ipam
