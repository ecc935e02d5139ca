#include "controller/neutron/floating_ip_service.hpp"

#include <map>

#include "common/clock.hpp"
#include "common/random.hpp"
#include "common/text_prefix.hpp"
#include "controller/api/api_error.hpp"
#include "controller/ipam/ip_address.hpp"
#include "controller/neutron/network_service.hpp"
#include "controller/neutron/resource_schema.hpp"
#include "controller/neutron/scoped_select.hpp"
#include "controller/neutron/tag_store.hpp"
#include "controller/store/change_journal.hpp"

namespace neutrino::neutron {
namespace {

constexpr const char* kColumns =
    "SELECT id, project_id, description, floating_ip_address, floating_network_id, "
    "floating_port_id, fixed_port_id, fixed_ip_address, router_id, status, revision_number, "
    "created_at, updated_at FROM floatingips";

api::ApiError bad_fip(const std::string& message) {
  return api::bad_request("Bad floatingip request: " + message, "BadRequest");
}

api::ApiError floating_ip_not_found(const std::string& id) {
  return api::not_found("Floating IP " + id + " could not be found", "FloatingIPNotFound");
}

std::optional<std::string> optional_text(const Json& attributes, const char* key) {
  const auto it = attributes.find(key);
  return it == attributes.end() || it->is_null()
             ? std::nullopt
             : std::optional<std::string>(it->get<std::string>());
}

// fip-port-details: what a floating IP shows of the port it is associated with.
Json port_details(store::SqlSession& s, const store::SqlRow& r) {
  if (r.is_null(6)) {
    return nullptr;
  }
  const auto rows = s.query(
      "SELECT name, network_id, mac_address, admin_state_up, status, device_id, device_owner "
      "FROM ports WHERE id = ?",
      {r.text(6)});
  if (rows.empty()) {
    return nullptr;
  }
  const auto& p = rows[0];
  return {{"name", p.text(0)},        {"network_id", p.text(1)},
          {"mac_address", p.text(2)}, {"admin_state_up", p.boolean(3)},
          {"status", p.text(4)},      {"device_id", p.text(5)},
          {"device_owner", p.text(6)}};
}

// The fixed IPs the request asks the floating port for, on the external network.
Json floating_fixed_ips(store::SqlSession& s, const std::string& network_id,
                        const std::optional<std::string>& subnet_id,
                        const std::optional<std::string>& address) {
  Json ip = Json::object();
  if (subnet_id) {
    const auto subnet = L3Ports::find_subnet(s, *subnet_id);
    if (!subnet || subnet->network_id != network_id) {
      throw bad_fip("Subnet " + *subnet_id + " does not belong to network " + network_id + ".");
    }
    ip["subnet_id"] = *subnet_id;
  }
  if (address) {
    const auto parsed = ipam::IpAddress::parse(*address);
    if (!parsed) {
      throw api::bad_request("Invalid input for floating_ip_address. Reason: '" +
                             text_prefix(*address) + "' is not a valid IP address.");
    }
    ip["ip_address"] = parsed->to_string();
  }
  if (ip.empty()) {
    const auto v4 = s.query(
        "SELECT id FROM subnets WHERE network_id = ? AND ip_version = 4 ORDER BY created_at, id",
        {network_id});
    if (v4.empty()) {
      throw bad_fip("Network " + network_id + " does not contain any IPv4 subnet");
    }
    ip["subnet_id"] = v4[0].text(0);
  }
  return Json::array({ip});
}

// The port's IPv4 address the floating IP maps to, and its subnet.
std::pair<std::string, std::string> fixed_address(store::SqlSession& s, const std::string& port_id,
                                                  const std::optional<std::string>& requested) {
  std::vector<std::pair<std::string, std::string>> v4;  // (address, subnet)
  for (const auto& r :
       s.query("SELECT ip_address, subnet_id FROM ipallocations WHERE port_id = ? ORDER BY "
               "position",
               {port_id})) {
    const auto address = ipam::IpAddress::parse(r.text(0));
    if (requested && address && ipam::IpAddress::parse(*requested) == address) {
      if (address->version() != 4) {
        throw bad_fip("Cannot process floating IP association with " + *requested +
                      ", since that is not an IPv4 address.");
      }
      return {r.text(0), r.text(1)};
    }
    if (address && address->version() == 4) {
      v4.emplace_back(r.text(0), r.text(1));
    }
  }
  if (requested) {
    throw bad_fip("Port " + port_id + " does not have fixed ip " + text_prefix(*requested));
  }
  if (v4.empty()) {
    throw bad_fip("Cannot add floating IP to port " + port_id +
                  " that has no fixed IPv4 addresses");
  }
  if (v4.size() > 1) {
    throw bad_fip("Port " + port_id +
                  " has multiple fixed IPv4 addresses. Must provide a specific IPv4 address when "
                  "assigning a floating IP");
  }
  return v4.front();
}

}  // namespace

void FloatingIpService::touch(store::SqlSession& s, const std::string& id) {
  s.execute(
      "UPDATE floatingips SET revision_number = revision_number + 1, updated_at = ? WHERE id = ?",
      {clock::now_unix_seconds(), id});
  store::ChangeJournal::append(s, store::JournalKind::kFloatingIp, id);
}

void FloatingIpService::remove_on_network(store::SqlSession& s, const std::string& network_id) {
  store::ChangeJournal::append_selected(s, store::JournalKind::kFloatingIp,
                                        "SELECT id FROM floatingips WHERE floating_network_id = ?",
                                        {network_id});
  s.execute(
      "DELETE FROM tags WHERE resource_type = 'floatingips' AND resource_id IN "
      "(SELECT id FROM floatingips WHERE floating_network_id = ?)",
      {network_id});
  s.execute("DELETE FROM floatingips WHERE floating_network_id = ?", {network_id});
}

Json FloatingIpService::create(store::SqlSession& s, const AuthContext& ctx,
                               const Json& attributes) const {
  const std::string project = owning_project(ctx, attributes);
  const std::string network_id = attributes["floating_network_id"].get<std::string>();
  // Another project's network is not found unless it is external to the caller's project.
  const NetworkInfo network = NetworkService::visible(s, ctx, network_id);
  if (!network.external) {
    throw bad_fip("Network " + network_id + " is not a valid external network.");
  }
  const auto address = optional_text(attributes, "floating_ip_address");
  if (address) {
    require_admin_for(ctx, "create_floatingip", "floating_ip_address");
  }
  const Json fixed_ips =
      floating_fixed_ips(s, network_id, optional_text(attributes, "subnet_id"), address);
  const std::string id = random::uuid4();
  const std::string port_id = ports_.create(s, network_id, "", kFloatingIpOwner, id, fixed_ips);
  const auto allocated = s.query(
      "SELECT ip_address FROM ipallocations WHERE port_id = ? ORDER BY position", {port_id});
  const int64_t now = clock::now_unix_seconds();
  s.execute(
      "INSERT INTO floatingips (id, project_id, description, floating_ip_address, "
      "floating_network_id, floating_port_id, status, revision_number, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, 'DOWN', 1, ?, ?)",
      {id, project, attributes.value("description", ""), allocated.at(0).text(0), network_id,
       port_id, now, now});
  if (attributes.contains("tags")) {
    TagStore::replace(s, "floatingips", id, attributes["tags"]);
  }
  const auto port = optional_text(attributes, "port_id");
  if (port) {
    associate(s, ctx, id, port, optional_text(attributes, "fixed_ip_address"));
  }
  store::ChangeJournal::append(s, store::JournalKind::kFloatingIp, id);
  return show(s, ctx, id);
}

void FloatingIpService::associate(store::SqlSession& s, const AuthContext& ctx,
                                  const std::string& id, const std::optional<std::string>& port_id,
                                  const std::optional<std::string>& fixed_ip_address) const {
  if (!port_id) {
    s.execute(
        "UPDATE floatingips SET fixed_port_id = NULL, fixed_ip_address = NULL, router_id = NULL "
        "WHERE id = ?",
        {id});
    return;
  }
  if (!is_uuid(*port_id)) {
    throw api::bad_request("Invalid input for port_id. Reason: '" + text_prefix(*port_id) +
                           "' is not a valid UUID.");
  }
  const auto fip = s.query(
      "SELECT project_id, floating_network_id, floating_ip_address FROM floatingips WHERE id = ?",
      {id});
  const std::string network_id = fip.at(0).text(1);
  const auto port = s.query(
      "SELECT p.project_id, n.project_id FROM ports p JOIN networks n ON n.id = p.network_id "
      "WHERE p.id = ?",
      {*port_id});
  if (port.empty() || !(owns(ctx, port[0].text(0)) || owns(ctx, port[0].text(1)))) {
    throw api::not_found("Port " + *port_id + " could not be found.", "PortNotFound");
  }
  if (port[0].text(0) != fip[0].text(0) && !ctx.is_admin()) {
    throw bad_fip("Cannot process floating IP association with Port " + *port_id +
                  ", since that port is owned by a different tenant");
  }
  const auto [fixed_ip, subnet_id] = fixed_address(s, *port_id, fixed_ip_address);
  const auto routers = s.query(
      "SELECT r.id FROM routers r JOIN ports gp ON gp.id = r.gw_port_id "
      "JOIN routerports rp ON rp.router_id = r.id AND rp.port_type = ? "
      "JOIN ipallocations a ON a.port_id = rp.port_id "
      "WHERE gp.network_id = ? AND a.subnet_id = ? ORDER BY r.id",
      {std::string(kRouterInterfaceOwner), network_id, subnet_id});
  if (routers.empty()) {
    throw api::not_found("External network " + network_id + " is not reachable from subnet " +
                             subnet_id + ".  Therefore, cannot associate Port " + *port_id +
                             " with a Floating IP.",
                         "ExternalGatewayForFloatingIPNotFound");
  }
  if (!s.query("SELECT 1 FROM floatingips WHERE floating_network_id = ? AND fixed_port_id = ? "
               "AND fixed_ip_address = ? AND id <> ?",
               {network_id, *port_id, fixed_ip, id})
           .empty()) {
    throw api::conflict("FloatingIPPortAlreadyAssociated",
                        "Cannot associate floating IP " + fip[0].text(2) + " (" + id +
                            ") with port " + *port_id + " using fixed IP " + fixed_ip +
                            ", as that fixed IP already has a floating IP on external network " +
                            network_id + ".");
  }
  s.execute(
      "UPDATE floatingips SET fixed_port_id = ?, fixed_ip_address = ?, router_id = ? WHERE id = ?",
      {*port_id, fixed_ip, routers[0].text(0), id});
}

std::vector<Json> FloatingIpService::load(store::SqlSession& s, const AuthContext& ctx,
                                          const std::optional<std::string>& id) const {
  const auto rows =
      ScopedSelect{.select = kColumns, .id_column = "id", .member_terms = {"project_id = ?"}}.rows(
          s, ctx, id);
  auto tags = TagStore::load_for(s, "floatingips", IdSelection::of(id));
  std::vector<Json> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    const std::string fip_id = r.text(0);
    out.push_back({
        {"id", fip_id},
        {"tenant_id", r.text(1)},
        {"project_id", r.text(1)},
        {"description", r.text(2)},
        {"floating_ip_address", r.text(3)},
        {"floating_network_id", r.text(4)},
        {"port_id", r.is_null(6) ? Json(nullptr) : Json(r.text(6))},
        {"fixed_ip_address", r.is_null(7) ? Json(nullptr) : Json(r.text(7))},
        {"router_id", r.is_null(8) ? Json(nullptr) : Json(r.text(8))},
        {"status", r.text(9)},
        {"port_details", port_details(s, r)},
        {"tags", tags[fip_id]},
        {"revision_number", r.integer(10)},
        {"created_at", clock::format_iso8601(r.integer(11))},
        {"updated_at", clock::format_iso8601(r.integer(12))},
    });
  }
  return out;
}

Json FloatingIpService::show(store::SqlSession& s, const AuthContext& ctx,
                             const std::string& id) const {
  const auto rows = s.query("SELECT project_id FROM floatingips WHERE id = ?", {id});
  if (rows.empty() || !owns(ctx, rows[0].text(0))) {
    throw floating_ip_not_found(id);
  }
  return load(s, ctx, id).at(0);
}

std::vector<Json> FloatingIpService::list(store::SqlSession& s, const AuthContext& ctx) const {
  return load(s, ctx, std::nullopt);
}

Json FloatingIpService::update(store::SqlSession& s, const AuthContext& ctx, const std::string& id,
                               const Json& attributes) const {
  show(s, ctx, id);
  if (attributes.contains("fixed_ip_address") && !attributes["fixed_ip_address"].is_null() &&
      (!attributes.contains("port_id") || attributes["port_id"].is_null())) {
    throw bad_fip("fixed_ip_address cannot be specified without a port_id");
  }
  if (attributes.empty()) {
    // A blank update clears the association, as it always did in Neutron.
    associate(s, ctx, id, std::nullopt, std::nullopt);
  } else if (attributes.contains("port_id")) {
    associate(s, ctx, id, optional_text(attributes, "port_id"),
              optional_text(attributes, "fixed_ip_address"));
  }
  if (attributes.contains("description")) {
    s.execute("UPDATE floatingips SET description = ? WHERE id = ?",
              {attributes["description"].get<std::string>(), id});
  }
  touch(s, id);
  return show(s, ctx, id);
}

void FloatingIpService::remove(store::SqlSession& s, const AuthContext& ctx,
                               const std::string& id) const {
  show(s, ctx, id);
  const auto rows = s.query("SELECT floating_port_id FROM floatingips WHERE id = ?", {id});
  TagStore::remove_all(s, "floatingips", id);
  s.execute("DELETE FROM floatingips WHERE id = ?", {id});
  ports_.remove(s, rows.at(0).text(0));
  store::ChangeJournal::append(s, store::JournalKind::kFloatingIp, id);
}

}  // namespace neutrino::neutron
