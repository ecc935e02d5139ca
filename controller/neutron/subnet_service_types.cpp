#include "controller/neutron/subnet_service_types.hpp"

#include <algorithm>
#include <set>

#include "common/text_prefix.hpp"
#include "controller/api/api_error.hpp"

namespace neutrino::neutron {
namespace {

constexpr size_t kMaxServiceTypes = 64;  // far above any real use; bounds what a tenant stores

// neutron-lib's validate_subnet_service_types accepts what starts with "network:" or
// "neutron:", and, because it extends its prefix list with the string "compute:", with any
// one of the characters of "compute:". Tempest's own test relies on that ("test:type_1").
bool looks_like_device_owner(const std::string& type) {
  if (type.starts_with("network:") || type.starts_with("neutron:")) {
    return true;
  }
  return !type.empty() && std::string_view("compute:").find(type.front()) != std::string::npos;
}

}  // namespace

void SubnetServiceTypes::validate(const Json& value) {
  if (value.is_null()) {
    return;
  }
  if (!value.is_array()) {
    throw api::bad_request("Subnet service types must be a list.");
  }
  if (value.size() > kMaxServiceTypes) {
    throw api::bad_request("Invalid input for service_types. Reason: more than " +
                               std::to_string(kMaxServiceTypes) + " service types.",
                           "InvalidInput");
  }
  for (const auto& type : value) {
    if (!type.is_string()) {
      throw api::bad_request("Invalid input for operation: Subnet service type " +
                                 json_prefix(type) + " is not a string.",
                             "InvalidInputSubnetServiceType");
    }
    const std::string text = type.get<std::string>();
    if (!looks_like_device_owner(text) || text.size() > 255) {
      throw api::bad_request("Invalid input for operation: Subnet service type " +
                                 text_prefix(text) +
                                 " does not correspond to a valid device owner.",
                             "InvalidSubnetServiceType");
    }
  }
}

void SubnetServiceTypes::replace(store::SqlSession& s, const std::string& subnet_id,
                                 const Json& value) {
  s.execute("DELETE FROM subnet_service_types WHERE subnet_id = ?", {subnet_id});
  if (value.is_null()) {
    return;
  }
  std::set<std::string> seen;
  int64_t position = 0;
  for (const auto& type : value) {
    const std::string text = type.get<std::string>();
    if (seen.insert(text).second) {
      s.execute(
          "INSERT INTO subnet_service_types (subnet_id, service_type, position) VALUES (?, ?, ?)",
          {subnet_id, text, position++});
    }
  }
}

std::map<std::string, Json> SubnetServiceTypes::load(store::SqlSession& s,
                                                     const std::string& subnet_id) {
  std::map<std::string, Json> out;
  const std::string sql = "SELECT subnet_id, service_type FROM subnet_service_types";
  const auto rows = subnet_id.empty()
                        ? s.query(sql + " ORDER BY subnet_id, position", {})
                        : s.query(sql + " WHERE subnet_id = ? ORDER BY position", {subnet_id});
  for (const auto& r : rows) {
    out[r.text(0)].push_back(r.text(1));
  }
  return out;
}

std::vector<SubnetInfo> SubnetServiceTypes::eligible(store::SqlSession& s,
                                                     std::vector<SubnetInfo> subnets,
                                                     const std::string& network_id,
                                                     const std::string& device_owner) {
  if (subnets.empty()) {
    return subnets;
  }
  std::map<std::string, std::set<std::string>> types;
  std::set<std::string> dhcp_enabled;
  for (const auto& r :
       s.query("SELECT t.subnet_id, t.service_type, s.enable_dhcp FROM subnet_service_types t "
               "JOIN subnets s ON s.id = t.subnet_id WHERE s.network_id = ?",
               {network_id})) {
    types[r.text(0)].insert(r.text(1));
    if (r.boolean(2)) {
      dhcp_enabled.insert(r.text(0));
    }
  }
  const auto typed = [&](const SubnetInfo& subnet) { return types.contains(subnet.id); };
  std::vector<SubnetInfo> out;
  for (auto& subnet : subnets) {
    const auto it = types.find(subnet.id);
    if (it == types.end() || it->second.contains(device_owner) ||
        (device_owner == "network:dhcp" && dhcp_enabled.contains(subnet.id))) {
      out.push_back(std::move(subnet));
    }
  }
  if (out.empty()) {
    throw api::conflict("IpAddressGenerationFailureNoMatchingSubnet",
                        "No valid service subnet for the given device owner, network " +
                            network_id + ", service type " + device_owner + ".");
  }
  // Service subnets first, otherwise in the network's order.
  std::stable_partition(out.begin(), out.end(), typed);
  return out;
}

}  // namespace neutrino::neutron
