#pragma once
// binding-extended: a port's bindings, one per host, as Nova's live migration uses them. The
// active binding is the port's own (ml2_port_bindings, binding:host_id: the host the fan-out
// wires the port on). Others wait inactive (ml2_inactive_port_bindings) until Nova activates
// the one on the migration's target: it becomes the port's binding, its journal entry moves
// the port's wiring to the new host, and the old binding stays, inactive, until Nova deletes
// it. As in Neutron: admin only, compute and shared filesystem ports only, and Neutron's
// errors (PortBindingAlreadyExists, PortBindingAlreadyActive, PortBindingNotFound,
// PortBindingError when no agent serves the host).
#include <string>
#include <vector>

#include "common/json.hpp"
#include "controller/agents/agent_service.hpp"
#include "controller/neutron/policy.hpp"
#include "controller/neutron/port_service.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::neutron {

class PortBindingService {
 public:
  PortBindingService(const agents::AgentService& agents, const PortService& ports)
      : agents_(agents), ports_(ports) {}

  // Every binding of the port: the active one first, then the inactive ones by host.
  std::vector<Json> list(store::SqlSession& s, const AuthContext& ctx,
                         const std::string& port_id) const;
  Json show(store::SqlSession& s, const AuthContext& ctx, const std::string& port_id,
            const std::string& host) const;
  // `binding`: the request's {"host", "vnic_type", "profile"}; the new binding is INACTIVE
  // (a port always has its active binding, unbound or not, as in Neutron).
  Json create(store::SqlSession& s, const AuthContext& ctx, const std::string& port_id,
              const Json& binding) const;
  // Makes the host's inactive binding the port's active one; the old one turns inactive.
  Json activate(store::SqlSession& s, const AuthContext& ctx, const std::string& port_id,
                const std::string& host) const;
  // Deletes an inactive binding, or unbinds the port when `host` holds its active one.
  void remove(store::SqlSession& s, const AuthContext& ctx, const std::string& port_id,
              const std::string& host) const;

 private:
  const agents::AgentService& agents_;
  const PortService& ports_;
};

}  // namespace neutrino::neutron
