#pragma once
// Neutron's attribute policy for ports (neutron/conf/policies/port.py, Zed defaults): what only
// the network's owner (or an advsvc or admin) may set on a port, and what only an admin may.
// On someone else's shared network a member may attach a port, but not choose its MAC or
// addresses, switch its anti-spoofing off or give it a network:* device owner.
//
// A refusal is Neutron's: 403 PolicyNotAuthorized naming the whole rule Neutron composed for
// the request (every attribute it sets that policy governs, in Neutron's attribute order),
// e.g. "((rule:create_port and rule:create_port:mac_address) and
// rule:create_port:port_security_enabled) is disallowed by policy".
#include "common/json.hpp"
#include "controller/neutron/policy.hpp"

namespace neutrino::neutron {

class PortPolicy {
 public:
  // The network the port is (to be) on, as the caller sees it.
  struct Network {
    std::string project_id;
    bool shared = false;
  };

  static void enforce_create(const AuthContext& ctx, const Json& attributes,
                             const Network& network);
  static void enforce_update(const AuthContext& ctx, const Json& attributes,
                             const Network& network);
};

}  // namespace neutrino::neutron
