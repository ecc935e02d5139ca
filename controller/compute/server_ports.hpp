#pragma once
// A server's ports, through the controller's own Neutron services in the caller's
// transaction, as Nova does through Neutron: ports it creates and ports the user gave are
// bound to the chosen host (device_id = server id, device_owner compute:<zone>,
// binding:host_id = host); at deletion the ones it created are deleted and the given ones
// unbound.
#include <string>
#include <vector>

#include "controller/compute/server_networks.hpp"
#include "controller/compute/server_store.hpp"
#include "controller/neutron/port_service.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::compute {

class ServerPorts {
 public:
  explicit ServerPorts(const neutron::PortService& ports) : ports_(ports) {}

  // Creates or binds one port per planned NIC and records them in instance_ports. Throws
  // api::ApiError (400) when Neutron refuses, with its message.
  void attach(store::SqlSession& s, const std::string& server_id, const std::string& project_id,
              const std::string& host, const std::string& zone, const std::vector<PlannedNic>& nics,
              const std::vector<std::string>& security_group_ids) const;
  // Deletes the ports the server created and unbinds the others.
  void detach(store::SqlSession& s, const std::string& server_id,
              const std::string& project_id) const;

 private:
  const neutron::PortService& ports_;
};

}  // namespace neutrino::compute
