#include "controller/neutron/port_device_attributes.hpp"

#include <array>

#include "common/text_prefix.hpp"
#include "controller/api/api_error.hpp"

namespace neutrino::neutron {
namespace {

// neutron_lib.constants.PORT_NUMA_POLICIES; null (None) clears the policy.
constexpr std::array<const char*, 4> kNumaPolicies = {"required", "preferred", "legacy", "socket"};

bool known_policy(const std::string& policy) {
  for (const char* known : kNumaPolicies) {
    if (policy == known) {
      return true;
    }
  }
  return false;
}

store::SqlValue nullable_text(const Json& value) {
  if (value.is_null()) {
    return std::monostate{};
  }
  return value.get<std::string>();
}

}  // namespace

void PortDeviceAttributes::validate(const Json& attributes) {
  const auto policy = attributes.find("numa_affinity_policy");
  if (policy == attributes.end() || policy->is_null()) {
    return;
  }
  if (!policy->is_string() || !known_policy(policy->get<std::string>())) {
    // neutron-lib's type:values message.
    throw api::bad_request(
        "Invalid input for numa_affinity_policy. Reason: " + json_prefix(*policy) +
        " is not in ('required', 'preferred', 'legacy', 'socket', None).");
  }
}

void PortDeviceAttributes::store(store::SqlSession& s, const std::string& port_id,
                                 const Json& attributes) {
  for (const char* column : {"numa_affinity_policy", "device_profile"}) {
    if (attributes.contains(column)) {
      s.execute(std::string("UPDATE ports SET ") + column + " = ? WHERE id = ?",
                {nullable_text(attributes[column]), port_id});
    }
  }
}

const char* PortDeviceAttributes::columns() {
  return "p.numa_affinity_policy, p.device_profile";
}

void PortDeviceAttributes::show(const store::SqlRow& row, size_t first, Json& port) {
  size_t column = first;
  for (const char* name : {"numa_affinity_policy", "device_profile"}) {
    port[name] = row.is_null(column) ? Json(nullptr) : Json(row.text(column));
    ++column;
  }
}

}  // namespace neutrino::neutron
