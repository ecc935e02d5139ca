#pragma once
// The port attributes Nova reads to place and plug the guest's device: numa_affinity_policy
// (port-numa-affinity-policy and its -socket variant) and device_profile (port-device-profile,
// a Cyborg device profile name, set on create only). Both are columns of ports, NULL when
// unset, and shown to everyone who sees the port, as in Neutron.
#include <string>

#include "common/json.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::neutron {

class PortDeviceAttributes {
 public:
  // Throws 400 for a policy outside Neutron's list (None, required, preferred, legacy, socket).
  static void validate(const Json& attributes);
  // Stores the attributes the request names (create and update alike).
  static void store(store::SqlSession& s, const std::string& port_id, const Json& attributes);
  // The columns the port query selects, in the order show() reads them.
  static const char* columns();
  // Sets the attributes on a port from its row, starting at column `first`.
  static void show(const store::SqlRow& row, size_t first, Json& port);
};

}  // namespace neutrino::neutron
