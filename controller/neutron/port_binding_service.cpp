#include "controller/neutron/port_binding_service.hpp"

#include <optional>

#include "controller/api/api_error.hpp"
#include "controller/neutron/host_binding.hpp"
#include "controller/neutron/port_service.hpp"
#include "controller/neutron/resource_schema.hpp"

namespace neutrino::neutron {
namespace {

using T = AttrType;

// portbindings_extended's SUB_RESOURCE_ATTRIBUTE_MAP.
const ResourceSchema& binding_schema() {
  static const ResourceSchema schema("binding", "bindings",
                                     {
                                         {"host", T::kString, true, true, true},
                                         {"vnic_type", T::kString, true, true},
                                         {"profile", T::kAny, true, true},
                                         {"project_id", T::kString, true, false},
                                         {"tenant_id", T::kString, true, false},
                                         {"vif_type", T::kString, false, false},
                                         {"vif_details", T::kDict, false, false},
                                         {"status", T::kString, false, false},
                                     });
  return schema;
}

constexpr const char* kColumns = "SELECT host, vif_type, vnic_type, profile, vif_details FROM ";

// One binding as Neutron's _make_port_binding_dict shows it.
Json binding_json(const store::SqlRow& row, const char* status) {
  return {{"host", row.text(0)},
          {"vif_type", row.text(1)},
          {"vnic_type", row.text(2)},
          {"profile", Json::parse(row.text(3), nullptr, false)},
          {"vif_details", Json::parse(row.text(4), nullptr, false)},
          {"status", status}};
}

void authorize(const AuthContext& ctx, const std::string& action) {
  if (!ctx.is_admin()) {
    throw api::forbidden("(rule:" + action + ") is disallowed by policy");
  }
}

// 404 for a missing port, 400 unless Nova (or Manila) owns it: only their ports migrate.
void check_port(store::SqlSession& s, const std::string& port_id) {
  const auto rows = s.query("SELECT device_owner FROM ports WHERE id = ?", {port_id});
  if (rows.empty()) {
    throw api::not_found("Port " + port_id + " could not be found.", "PortNotFound");
  }
  const std::string owner = rows[0].text(0);
  if (!owner.starts_with("compute:") && !owner.starts_with("manila:")) {
    throw api::bad_request("Bad port request: Invalid port " + port_id +
                               ". Operation only valid on compute and shared filesystem ports.",
                           "BadRequest");
  }
}

store::SqlRow active_binding(store::SqlSession& s, const std::string& port_id) {
  return s.query(std::string(kColumns) + "ml2_port_bindings WHERE port_id = ?", {port_id})[0];
}

std::optional<store::SqlRow> inactive_binding(store::SqlSession& s, const std::string& port_id,
                                              const std::string& host) {
  auto rows =
      s.query(std::string(kColumns) + "ml2_inactive_port_bindings WHERE port_id = ? AND host = ?",
              {port_id, host});
  if (rows.empty()) {
    return std::nullopt;
  }
  return rows[0];
}

api::ApiError binding_not_found(const std::string& port_id, const std::string& host) {
  return api::not_found(
      "Binding for port " + port_id + " for host " + host + " could not be found.",
      "PortBindingNotFound");
}

// The port's wiring changes hosts: DOWN until the new host's agent reports it wired, and a
// journal entry (through touch) that the fan-out turns into the move.
void rewire(store::SqlSession& s, const std::string& port_id) {
  s.execute("UPDATE ports SET status = 'DOWN' WHERE id = ?", {port_id});
  PortService::touch(s, port_id);
}

}  // namespace

std::vector<Json> PortBindingService::list(store::SqlSession& s, const AuthContext& ctx,
                                           const std::string& port_id) const {
  authorize(ctx, "get_port_binding");
  check_port(s, port_id);
  std::vector<Json> out = {binding_json(active_binding(s, port_id), "ACTIVE")};
  for (const auto& row :
       s.query(std::string(kColumns) + "ml2_inactive_port_bindings WHERE port_id = ? ORDER BY host",
               {port_id})) {
    out.push_back(binding_json(row, "INACTIVE"));
  }
  return out;
}

Json PortBindingService::show(store::SqlSession& s, const AuthContext& ctx,
                              const std::string& port_id, const std::string& host) const {
  authorize(ctx, "get_port_binding");
  check_port(s, port_id);
  const auto active = active_binding(s, port_id);
  if (active.text(0) == host) {
    return binding_json(active, "ACTIVE");
  }
  const auto inactive = inactive_binding(s, port_id, host);
  if (!inactive) {
    throw binding_not_found(port_id, host);
  }
  return binding_json(*inactive, "INACTIVE");
}

Json PortBindingService::create(store::SqlSession& s, const AuthContext& ctx,
                                const std::string& port_id, const Json& binding) const {
  authorize(ctx, "create_port_binding");
  const Json attributes = binding_schema().validate(binding, Operation::kCreate);
  const std::string host = attributes["host"].get<std::string>();
  const std::string vnic_type = attributes.value("vnic_type", "normal");
  if (!vnic_types().contains(vnic_type)) {
    throw api::bad_request("Invalid input for vnic_type. Reason: " + vnic_type +
                           " is not in the list of supported vnic types.");
  }
  Json profile = attributes.value("profile", Json::object());
  if (profile.is_null()) {
    profile = Json::object();
  }
  if (!profile.is_object()) {
    throw api::bad_request("Invalid input for profile. Reason: '" + profile.dump() +
                           "' is not a dictionary.");
  }
  check_port(s, port_id);
  if (active_binding(s, port_id).text(0) == host || inactive_binding(s, port_id, host)) {
    throw api::conflict("PortBindingAlreadyExists",
                        "Binding for port " + port_id + " on host " + host + " already exists.");
  }
  const HostBinding bound = bind_host(s, agents_, host);
  if (bound.vif_type != "ovs") {
    throw api::ApiError(
        500, "PortBindingError",
        "Binding for port " + port_id + " on host " + host + " could not be created or updated.");
  }
  s.execute(
      "INSERT INTO ml2_inactive_port_bindings (port_id, host, vif_type, vnic_type, profile, "
      "vif_details) VALUES (?, ?, ?, ?, ?, ?)",
      {port_id, host, bound.vif_type, vnic_type, profile.dump(), bound.vif_details.dump()});
  return binding_json(*inactive_binding(s, port_id, host), "INACTIVE");
}

Json PortBindingService::activate(store::SqlSession& s, const AuthContext& ctx,
                                  const std::string& port_id, const std::string& host) const {
  authorize(ctx, "activate");
  check_port(s, port_id);
  const auto active = active_binding(s, port_id);
  if (active.text(0) == host) {
    throw api::conflict("PortBindingAlreadyActive",
                        "Binding for port " + port_id + " on host " + host + " is already active.");
  }
  const auto inactive = inactive_binding(s, port_id, host);
  if (!inactive) {
    throw binding_not_found(port_id, host);
  }
  // Bound again: the agent may have gone since the binding was made.
  const HostBinding bound = bind_host(s, agents_, host);
  if (bound.vif_type != "ovs") {
    throw api::ApiError(
        500, "PortBindingError",
        "Binding for port " + port_id + " on host " + host + " could not be created or updated.");
  }
  s.execute("DELETE FROM ml2_inactive_port_bindings WHERE port_id = ? AND host = ?",
            {port_id, host});
  if (!active.text(0).empty()) {
    // The source host's binding waits, inactive, for Nova to delete it (or to roll back).
    s.execute(
        "INSERT INTO ml2_inactive_port_bindings (port_id, host, vif_type, vnic_type, profile, "
        "vif_details) VALUES (?, ?, ?, ?, ?, ?)",
        {port_id, active.text(0), active.text(1), active.text(2), active.text(3), active.text(4)});
  }
  s.execute(
      "UPDATE ml2_port_bindings SET host = ?, vif_type = ?, vnic_type = ?, profile = ?, "
      "vif_details = ? WHERE port_id = ?",
      {host, bound.vif_type, inactive->text(2), inactive->text(3), bound.vif_details.dump(),
       port_id});
  const auto network = s.query("SELECT network_id FROM ports WHERE id = ?", {port_id});
  ports_.apply_binding_mac(s, port_id, network[0].text(0));
  rewire(s, port_id);
  return binding_json(active_binding(s, port_id), "ACTIVE");
}

void PortBindingService::remove(store::SqlSession& s, const AuthContext& ctx,
                                const std::string& port_id, const std::string& host) const {
  authorize(ctx, "delete_port_binding");
  check_port(s, port_id);
  if (inactive_binding(s, port_id, host)) {
    s.execute("DELETE FROM ml2_inactive_port_bindings WHERE port_id = ? AND host = ?",
              {port_id, host});
    return;
  }
  if (host.empty() || active_binding(s, port_id).text(0) != host) {
    throw binding_not_found(port_id, host);
  }
  // The active binding itself: the port is unbound, and unwired from the host.
  s.execute(
      "UPDATE ml2_port_bindings SET host = '', vif_type = 'unbound', vif_details = '{}' "
      "WHERE port_id = ?",
      {port_id});
  rewire(s, port_id);
}

}  // namespace neutrino::neutron
