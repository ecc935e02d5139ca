#include "controller/compute/server_ports.hpp"

#include "controller/api/api_error.hpp"

namespace neutrino::compute {
namespace {

// Nova talks to Neutron with an admin context for binding attributes; it has already checked
// the caller may use each network and port.
identity::AuthContext service_context(const std::string& project_id) {
  identity::AuthContext ctx;
  ctx.project_id = project_id;
  ctx.roles = {"admin"};
  return ctx;
}

}  // namespace

void ServerPorts::attach(store::SqlSession& s, const std::string& server_id,
                         const std::string& project_id, const std::string& host,
                         const std::string& zone, const std::vector<PlannedNic>& nics,
                         const std::vector<std::string>& security_group_ids) const {
  const identity::AuthContext ctx = service_context(project_id);
  const Json binding = {
      {"device_id", server_id}, {"device_owner", "compute:" + zone}, {"binding:host_id", host}};
  int position = 0;
  for (const auto& nic : nics) {
    if (!security_group_ids.empty() && !nic.port_id && !nic.port_security) {
      throw api::bad_request(
          "Network requires port_security_enabled and subnet associated in order to apply "
          "security groups.",
          "SecurityGroupCannotBeApplied");
    }
    std::string port_id;
    try {
      if (nic.port_id) {
        port_id = *nic.port_id;
        ports_.update(s, ctx, port_id, binding);
      } else {
        Json attributes = binding;
        attributes["network_id"] = nic.network_id;
        attributes["project_id"] = project_id;
        if (nic.fixed_ip) {
          attributes["fixed_ips"] = Json::array({{{"ip_address", *nic.fixed_ip}}});
        }
        if (!security_group_ids.empty()) {
          attributes["security_groups"] = security_group_ids;
        }
        port_id = ports_.create(s, ctx, attributes)["id"].get<std::string>();
      }
    } catch (const api::ApiError& error) {
      // Nova reports Neutron's refusal of a port as a bad request of the boot.
      throw api::bad_request(error.what(), error.type());
    }
    ServerStore::add_port(s, server_id, {port_id, nic.port_id.has_value()}, position++);
  }
}

void ServerPorts::detach(store::SqlSession& s, const std::string& server_id,
                         const std::string& project_id) const {
  const identity::AuthContext ctx = service_context(project_id);
  for (const auto& port : ServerStore::ports(s, server_id)) {
    if (s.query("SELECT 1 FROM ports WHERE id = ?", {port.port_id}).empty()) {
      continue;  // the user deleted it meanwhile
    }
    if (port.preserve_on_delete) {
      ports_.update(s, ctx, port.port_id,
                    {{"device_id", ""}, {"device_owner", ""}, {"binding:host_id", ""}});
    } else {
      ports_.remove(s, ctx, port.port_id);
    }
  }
}

}  // namespace neutrino::compute
