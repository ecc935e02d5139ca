#include "controller/neutron/router_service.hpp"

#include <map>

#include "common/clock.hpp"
#include "common/random.hpp"
#include "common/text_prefix.hpp"
#include "controller/neutron/network_service.hpp"
#include "controller/neutron/resource_schema.hpp"
#include "controller/neutron/router_port_status.hpp"
#include "controller/neutron/router_routes.hpp"
#include "controller/neutron/scoped_select.hpp"
#include "controller/neutron/tag_store.hpp"
#include "controller/store/change_journal.hpp"

namespace neutrino::neutron {
namespace {

constexpr const char* kColumns =
    "SELECT id, project_id, name, description, admin_state_up, status, gw_port_id, enable_snat, "
    "revision_number, created_at, updated_at FROM routers";

api::ApiError gateway_invalid(const std::string& reason) {
  return api::bad_request("Invalid input for external_gateway_info. Reason: " + reason + ".");
}

// The gateway request, checked as neutron-lib's type:dict_or_nodata with its key specs.
struct GatewayRequest {
  std::string network_id;
  std::optional<bool> enable_snat;
  std::optional<Json> external_fixed_ips;
};

GatewayRequest parse_gateway(const Json& info) {
  if (!info.is_object()) {
    throw gateway_invalid("'" + json_prefix(info) + "' is not a dictionary");
  }
  for (const auto& [key, value] : info.items()) {
    if (key != "network_id" && key != "enable_snat" && key != "external_fixed_ips") {
      throw gateway_invalid("Unexpected keys supplied: " + text_prefix(key));
    }
  }
  if (!info.contains("network_id") || !info["network_id"].is_string() ||
      !is_uuid(info["network_id"].get<std::string>())) {
    throw gateway_invalid("'" + json_prefix(info.value("network_id", Json())) +
                          "' is not a valid UUID");
  }
  GatewayRequest out{info["network_id"].get<std::string>(), std::nullopt, std::nullopt};
  if (info.contains("enable_snat")) {
    out.enable_snat = to_bool(info["enable_snat"], "external_gateway_info");
  }
  if (info.contains("external_fixed_ips") && !info["external_fixed_ips"].is_null()) {
    const Json& ips = info["external_fixed_ips"];
    if (!ips.is_array()) {
      throw gateway_invalid("'" + json_prefix(ips) + "' is not a list");
    }
    out.external_fixed_ips = ips;
  }
  return out;
}

Json gateway_json(store::SqlSession& s, const store::SqlRow& r) {
  if (r.is_null(6)) {
    return nullptr;
  }
  const auto port = s.query("SELECT network_id FROM ports WHERE id = ?", {r.text(6)});
  Json ips = Json::array();
  for (const auto& a : s.query("SELECT subnet_id, ip_address FROM ipallocations WHERE port_id = "
                               "? ORDER BY position",
                               {r.text(6)})) {
    ips.push_back({{"subnet_id", a.text(0)}, {"ip_address", a.text(1)}});
  }
  return {{"network_id", port.empty() ? "" : port[0].text(0)},
          {"enable_snat", r.boolean(7)},
          {"external_fixed_ips", ips}};
}

// Floating IPs that reach the outside through the router's gateway on `network_id`.
bool gateway_needed_by_floating_ips(store::SqlSession& s, const std::string& router_id) {
  return !s.query("SELECT 1 FROM floatingips WHERE router_id = ?", {router_id}).empty();
}

}  // namespace

api::ApiError router_not_found(const std::string& id) {
  return api::not_found("Router " + id + " could not be found", "RouterNotFound");
}

std::optional<RouterInfo> RouterService::find(store::SqlSession& s, const std::string& id) {
  const auto rows =
      s.query("SELECT id, project_id, gw_port_id, enable_snat FROM routers WHERE id = ?", {id});
  if (rows.empty()) {
    return std::nullopt;
  }
  return RouterInfo{rows[0].text(0), rows[0].text(1), rows[0].optional_text(2), rows[0].boolean(3)};
}

RouterInfo RouterService::visible(store::SqlSession& s, const AuthContext& ctx,
                                  const std::string& id) {
  auto router = find(s, id);
  if (!router || !owns(ctx, router->project_id)) {
    throw router_not_found(id);
  }
  return *router;
}

void RouterService::touch(store::SqlSession& s, const std::string& id) {
  s.execute("UPDATE routers SET revision_number = revision_number + 1, updated_at = ? WHERE id = ?",
            {clock::now_unix_seconds(), id});
  store::ChangeJournal::append(s, store::JournalKind::kRouter, id);
}

void RouterService::clear_gateway(store::SqlSession& s, const RouterInfo& router) const {
  if (!router.gw_port_id) {
    return;
  }
  if (gateway_needed_by_floating_ips(s, router.id)) {
    const auto network = s.query("SELECT network_id FROM ports WHERE id = ?", {*router.gw_port_id});
    throw api::conflict("RouterExternalGatewayInUseByFloatingIp",
                        "Gateway cannot be updated for router " + router.id +
                            ", since a gateway to external network " +
                            (network.empty() ? "" : network[0].text(0)) +
                            " is required by one or more floating IPs.");
  }
  s.execute("UPDATE routers SET gw_port_id = NULL WHERE id = ?", {router.id});
  s.execute("DELETE FROM routerports WHERE port_id = ?", {*router.gw_port_id});
  ports_.remove(s, *router.gw_port_id);
}

void RouterService::set_gateway(store::SqlSession& s, const AuthContext& ctx,
                                const RouterInfo& router, const Json& info,
                                const char* action) const {
  if (info.is_null() || (info.is_object() && info.empty())) {
    clear_gateway(s, router);
    return;
  }
  const GatewayRequest gateway = parse_gateway(info);
  if (gateway.enable_snat) {
    require_admin_for(ctx, action, "external_gateway_info:enable_snat");
  }
  if (gateway.external_fixed_ips) {
    require_admin_for(ctx, action, "external_gateway_info:external_fixed_ips");
  }
  // A network the caller may not see is not found (Neutron looks it up in the caller's scope).
  const NetworkInfo network = NetworkService::visible(s, ctx, gateway.network_id);
  if (!network.external) {
    throw api::bad_request(
        "Bad router request: Network " + gateway.network_id + " is not an external network.",
        "BadRequest");
  }
  s.execute("UPDATE routers SET enable_snat = ? WHERE id = ?",
            {int64_t{gateway.enable_snat.value_or(true)}, router.id});
  if (router.gw_port_id) {
    const auto current = s.query("SELECT network_id FROM ports WHERE id = ?", {*router.gw_port_id});
    if (!current.empty() && current[0].text(0) == gateway.network_id &&
        !gateway.external_fixed_ips) {
      return;  // the same gateway; only enable_snat may have changed
    }
    if (!current.empty() && current[0].text(0) != gateway.network_id) {
      clear_gateway(s, router);
    } else {
      // New addresses on the same network: floating IPs keep their router.
      s.execute("UPDATE routers SET gw_port_id = NULL WHERE id = ?", {router.id});
      s.execute("DELETE FROM routerports WHERE port_id = ?", {*router.gw_port_id});
      ports_.remove(s, *router.gw_port_id);
    }
  }
  // An external network without subnets still takes a gateway, as Neutron's: its port has no
  // address, and the router no gateway in the desired state.
  const std::string port_id = ports_.create(s, gateway.network_id, "", kRouterGatewayOwner,
                                            router.id, gateway.external_fixed_ips);
  s.execute("INSERT INTO routerports (router_id, port_id, port_type) VALUES (?, ?, ?)",
            {router.id, port_id, std::string(kRouterGatewayOwner)});
  s.execute("UPDATE routers SET gw_port_id = ? WHERE id = ?", {port_id, router.id});
}

Json RouterService::create(store::SqlSession& s, const AuthContext& ctx,
                           const Json& attributes) const {
  const std::string project = owning_project(ctx, attributes);
  const std::string id = random::uuid4();
  const int64_t now = clock::now_unix_seconds();
  s.execute(
      "INSERT INTO routers (id, project_id, name, description, admin_state_up, status, "
      "enable_snat, revision_number, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, 'ACTIVE', 1, 1, ?, ?)",
      {id, project, attributes.value("name", ""), attributes.value("description", ""),
       int64_t{attributes.value("admin_state_up", true)}, now, now});
  if (attributes.contains("external_gateway_info")) {
    set_gateway(s, ctx, RouterInfo{id, project, std::nullopt, true},
                attributes["external_gateway_info"], "create_router");
  }
  if (attributes.contains("tags")) {
    TagStore::replace(s, "routers", id, attributes["tags"]);
  }
  store::ChangeJournal::append(s, store::JournalKind::kRouter, id);
  return show(s, ctx, id);
}

std::vector<Json> RouterService::load(store::SqlSession& s, const AuthContext& ctx,
                                      const std::optional<std::string>& id) const {
  const auto rows =
      ScopedSelect{.select = kColumns, .id_column = "id", .member_terms = {"project_id = ?"}}.rows(
          s, ctx, id);
  auto tags = TagStore::load_for(s, "routers", IdSelection::of(id));
  std::vector<Json> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    const std::string router_id = r.text(0);
    out.push_back({
        {"id", router_id},
        {"name", r.text(2)},
        {"description", r.text(3)},
        {"tenant_id", r.text(1)},
        {"project_id", r.text(1)},
        {"admin_state_up", r.boolean(4)},
        {"status", r.text(5)},
        {"external_gateway_info", gateway_json(s, r)},
        {"routes", RouterRoutes::to_json(RouterRoutes::load(s, router_id))},
        {"tags", tags[router_id]},
        {"revision_number", r.integer(8)},
        {"created_at", clock::format_iso8601(r.integer(9))},
        {"updated_at", clock::format_iso8601(r.integer(10))},
    });
  }
  return out;
}

Json RouterService::show(store::SqlSession& s, const AuthContext& ctx,
                         const std::string& id) const {
  visible(s, ctx, id);
  return load(s, ctx, id).at(0);
}

std::vector<Json> RouterService::list(store::SqlSession& s, const AuthContext& ctx) const {
  return load(s, ctx, std::nullopt);
}

Json RouterService::update(store::SqlSession& s, const AuthContext& ctx, const std::string& id,
                           const Json& attributes) const {
  const RouterInfo router = visible(s, ctx, id);
  if (attributes.contains("routes")) {
    RouterRoutes::replace(s, id, RouterRoutes::validated(s, id, attributes["routes"]));
  }
  if (attributes.contains("external_gateway_info")) {
    set_gateway(s, ctx, router, attributes["external_gateway_info"], "update_router");
  }
  for (const char* column : {"name", "description"}) {
    if (attributes.contains(column)) {
      s.execute(std::string("UPDATE routers SET ") + column + " = ? WHERE id = ?",
                {attributes[column].get<std::string>(), id});
    }
  }
  if (attributes.contains("admin_state_up")) {
    s.execute("UPDATE routers SET admin_state_up = ? WHERE id = ?",
              {int64_t{attributes["admin_state_up"].get<bool>()}, id});
    RouterPortStatus::sync(s, id);
  }
  touch(s, id);
  return show(s, ctx, id);
}

void RouterService::remove(store::SqlSession& s, const AuthContext& ctx,
                           const std::string& id) const {
  const RouterInfo router = visible(s, ctx, id);
  if (!s.query("SELECT 1 FROM routerports WHERE router_id = ? AND port_type = ?",
               {id, std::string(kRouterInterfaceOwner)})
           .empty()) {
    throw api::conflict("RouterInUse", "Router " + id + " still has ports");
  }
  clear_gateway(s, router);
  TagStore::remove_all(s, "routers", id);
  s.execute("DELETE FROM routers WHERE id = ?", {id});
  store::ChangeJournal::append(s, store::JournalKind::kRouter, id);
}

}  // namespace neutrino::neutron
