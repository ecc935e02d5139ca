#include "controller/neutron/network_service.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <set>

#include "common/clock.hpp"
#include "common/random.hpp"
#include "controller/api/api_error.hpp"
#include "controller/neutron/availability_zone_hints.hpp"
#include "controller/neutron/dhcp_hosting.hpp"
#include "controller/neutron/floating_ip_service.hpp"
#include "controller/neutron/l3_ports.hpp"
#include "controller/neutron/rbac_access.hpp"
#include "controller/neutron/scoped_select.hpp"
#include "controller/neutron/security_group_service.hpp"
#include "controller/neutron/segment_requests.hpp"
#include "controller/neutron/tag_store.hpp"
#include "controller/store/change_journal.hpp"

namespace neutrino::neutron {
namespace {

constexpr int kMinMtu = 68;

api::ApiError network_not_found(const std::string& id) {
  return api::not_found("Network " + id + " could not be found.", "NetworkNotFound");
}

int checked_mtu(int64_t requested, int max) {
  if (requested < kMinMtu) {
    throw api::bad_request("Invalid input for mtu. Reason: '" + std::to_string(requested) +
                           "' is too small - must be at least '" + std::to_string(kMinMtu) + "'.");
  }
  if (requested > max) {
    throw api::bad_request("Invalid input for operation: Requested MTU is too big, maximum is " +
                               std::to_string(max) + ".",
                           "InvalidInput");
  }
  return static_cast<int>(requested);
}

std::optional<int64_t> optional_int(const Json& attributes, const char* key) {
  const auto it = attributes.find(key);
  if (it == attributes.end() || it->is_null()) {
    return std::nullopt;
  }
  return it->get<int64_t>();
}

// Network id -> its segments as provider dicts, in their order.
std::map<std::string, std::vector<Json>> provider_segments(store::SqlSession& s,
                                                           const std::optional<std::string>& id) {
  const std::string sql =
      "SELECT network_id, network_type, physical_network, segmentation_id FROM networksegments";
  const std::string order = " ORDER BY network_id, segment_index";
  std::map<std::string, std::vector<Json>> out;
  for (const auto& r :
       id ? s.query(sql + " WHERE network_id = ?" + order, {*id}) : s.query(sql + order, {})) {
    out[r.text(0)].push_back(
        {{"provider:network_type", r.text(1)},
         {"provider:physical_network", r.is_null(2) ? Json(nullptr) : Json(r.text(2))},
         {"provider:segmentation_id", r.is_null(3) ? Json(nullptr) : Json(r.integer(3))}});
  }
  return out;
}

// As ML2 shows them: one segment as the provider:* attributes, several as multi-provider's
// `segments` list (and no provider:* attributes).
void show_segments(const std::vector<Json>& segments, Json& network) {
  if (segments.size() > 1) {
    network["segments"] = segments;
    return;
  }
  for (const char* attr :
       {"provider:network_type", "provider:physical_network", "provider:segmentation_id"}) {
    network[attr] = segments.empty() ? Json(nullptr) : segments.front()[attr];
  }
}

}  // namespace

std::optional<NetworkInfo> NetworkService::find(store::SqlSession& s, const std::string& id) {
  const auto rows = s.query(
      "SELECT id, project_id, shared, router_external, port_security_enabled, mtu FROM networks "
      "WHERE id = ?",
      {id});
  if (rows.empty()) {
    return std::nullopt;
  }
  const auto& r = rows[0];
  return NetworkInfo{r.text(0),    r.text(1),    r.boolean(2),
                     r.boolean(3), r.boolean(4), static_cast<int>(r.integer(5))};
}

NetworkInfo NetworkService::visible(store::SqlSession& s, const AuthContext& ctx,
                                    const std::string& id) {
  auto network = find(s, id);
  if (!network) {
    throw network_not_found(id);
  }
  // `shared` as the caller sees it: granted to its project or to every project.
  network->shared = RbacAccess::granted(s, "network", id, kAccessAsShared, ctx.project_id);
  if (!(owns(ctx, network->project_id) || network->shared ||
        RbacAccess::granted(s, "network", id, kAccessAsExternal, ctx.project_id))) {
    throw network_not_found(id);
  }
  return *network;
}

NetworkInfo NetworkService::attachable(store::SqlSession& s, const AuthContext& ctx,
                                       const std::string& id) {
  auto network = visible(s, ctx, id);
  if (!(owns(ctx, network.project_id) || network.shared)) {
    throw network_not_found(id);
  }
  return network;
}

void NetworkService::update_sharing(store::SqlSession& s, const NetworkInfo& network, bool shared) {
  if (!shared && RbacAccess::has_wildcard(s, "network", network.id, kAccessAsShared)) {
    std::set<std::string> bound;
    for (const auto& r :
         s.query("SELECT DISTINCT project_id FROM ports WHERE network_id = ?", {network.id})) {
      bound.insert(r.text(0));
    }
    try {
      RbacAccess::check_removable(s, "network", network.id, network.project_id, kAccessAsShared,
                                  kAnyProject, bound);
    } catch (const api::ApiError&) {
      throw api::conflict("InvalidSharedSetting",
                          "Unable to reconfigure sharing settings for network " + network.id +
                              ". Multiple tenants are using it.");
    }
  }
  RbacAccess::set_wildcard(s, "network", network.id, kAccessAsShared, network.project_id, shared);
}

void NetworkService::touch(store::SqlSession& s, const std::string& id) {
  s.execute(
      "UPDATE networks SET revision_number = revision_number + 1, updated_at = ? WHERE id = ?",
      {clock::now_unix_seconds(), id});
  store::ChangeJournal::append(s, store::JournalKind::kNetwork, id);
}

Json NetworkService::create(store::SqlSession& s, const AuthContext& ctx,
                            const Json& attributes) const {
  const std::string project = owning_project(ctx, attributes);
  const std::vector<SegmentRequest> requests = requested_segments(attributes);
  for (const char* attr : {"provider:network_type", "provider:physical_network",
                           "provider:segmentation_id", "segments"}) {
    if (attributes.contains(attr) && !attributes[attr].is_null()) {
      require_admin_for(ctx, "create_network", attr);
    }
  }
  const bool shared = attributes.value("shared", false);
  if (shared) {
    require_admin_for(ctx, "create_network", "shared");
  }
  const bool external = attributes.value("router:external", false);
  if (external) {
    require_admin_for(ctx, "create_network", "router:external");
  }

  const std::string zone_hints = checked_availability_zone_hints(
      s, attributes.value("availability_zone_hints", Json::array()));
  SecurityGroupService::ensure_default(s, ctx, project);  // as Neutron does on network create
  const std::string id = random::uuid4();
  const int64_t now = clock::now_unix_seconds();
  // The segment types fix the MTU (the smallest of them, as ML2 takes); the allocation rows
  // need the network row to exist first.
  int max_mtu = std::numeric_limits<int>::max();
  for (const auto& request : requests) {
    const Segment probe{request.network_type.value_or("vxlan"), std::nullopt, std::nullopt};
    max_mtu = std::min(max_mtu, segments_.max_mtu(probe));
  }
  const auto requested_mtu = optional_int(attributes, "mtu");
  const int mtu = requested_mtu ? checked_mtu(*requested_mtu, max_mtu) : max_mtu;
  s.execute(
      "INSERT INTO networks (id, project_id, name, description, status, admin_state_up, shared, "
      "router_external, mtu, port_security_enabled, revision_number, created_at, updated_at, "
      "availability_zone_hints) VALUES (?, ?, ?, ?, 'ACTIVE', ?, ?, ?, ?, ?, 1, ?, ?, ?)",
      {id, project, attributes.value("name", ""), attributes.value("description", ""),
       int64_t{attributes.value("admin_state_up", true)}, int64_t{shared}, int64_t{external},
       int64_t{mtu}, int64_t{attributes.value("port_security_enabled", true)}, now, now,
       zone_hints});
  for (size_t index = 0; index < requests.size(); ++index) {
    const Segment segment = segments_.allocate(s, id, requests[index]);
    s.execute(
        "INSERT INTO networksegments (id, network_id, network_type, physical_network, "
        "segmentation_id, segment_index) VALUES (?, ?, ?, ?, ?, ?)",
        {random::uuid4(), id, segment.network_type, store::null_if_empty(segment.physical_network),
         segment.segmentation_id ? store::SqlValue(*segment.segmentation_id)
                                 : store::SqlValue(std::monostate{}),
         static_cast<int64_t>(index)});
  }
  if (attributes.contains("tags")) {
    TagStore::replace(s, "networks", id, attributes["tags"]);
  }
  // As Neutron: shared=True is the wildcard access_as_shared policy, router:external=True
  // the wildcard access_as_external one, both owned by the network's project.
  RbacAccess::set_wildcard(s, "network", id, kAccessAsShared, project, shared);
  RbacAccess::set_wildcard(s, "network", id, kAccessAsExternal, project, external);
  store::ChangeJournal::append(s, store::JournalKind::kNetwork, id);
  return show(s, ctx, id);
}

std::vector<Json> NetworkService::load(store::SqlSession& s, const AuthContext& ctx,
                                       const std::optional<std::string>& id) const {
  const std::string columns =
      "SELECT n.id, n.project_id, n.name, n.description, n.status, n.admin_state_up, n.shared, "
      "n.router_external, n.mtu, n.port_security_enabled, n.revision_number, n.created_at, "
      "n.updated_at, n.availability_zone_hints FROM networks n";
  const ScopedSelect visible{
      .select = columns,
      .id_column = "n.id",
      .member_terms = {"n.project_id = ?",
                       RbacAccess::granted_clause("network", kAccessAsShared, "n.id"),
                       RbacAccess::granted_clause("network", kAccessAsExternal, "n.id")}};
  const auto rows = visible.rows(s, ctx, id);
  std::set<std::string> shared_with_caller;
  for (const auto& r : s.query("SELECT object_id FROM rbac_policies WHERE object_type = "
                               "'network' AND action = 'access_as_shared' AND target_project "
                               "IN ('*', ?)",
                               {ctx.project_id})) {
    shared_with_caller.insert(r.text(0));
  }
  const IdSelection networks = IdSelection::of(id);
  std::map<std::string, std::vector<std::string>> subnets;
  for (const auto& r :
       s.query("SELECT network_id, id FROM subnets" + networks.clause("WHERE", "network_id") +
                   " ORDER BY created_at, id",
               networks.params())) {
    subnets[r.text(0)].push_back(r.text(1));
  }
  auto zones = DhcpHosting::zones(s, id);
  auto segments = provider_segments(s, id);
  auto tags = TagStore::load_for(s, "networks", networks);
  std::vector<Json> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    const std::string network_id = r.text(0);
    Json n = {
        {"id", network_id},
        {"name", r.text(2)},
        {"description", r.text(3)},
        {"tenant_id", r.text(1)},
        {"project_id", r.text(1)},
        {"status", r.text(4)},
        {"admin_state_up", r.boolean(5)},
        {"shared", shared_with_caller.contains(network_id)},
        {"router:external", r.boolean(7)},
        {"mtu", r.integer(8)},
        {"port_security_enabled", r.boolean(9)},
        {"subnets", subnets[network_id]},
        {"availability_zone_hints", Json::parse(r.text(13), nullptr, false)},
        {"availability_zones", zones[network_id]},
        // Networks take no address scopes here; shown empty as Neutron shows them.
        {"ipv4_address_scope", nullptr},
        {"ipv6_address_scope", nullptr},
        {"tags", tags[network_id]},
        {"revision_number", r.integer(10)},
        {"created_at", clock::format_iso8601(r.integer(11))},
        {"updated_at", clock::format_iso8601(r.integer(12))},
    };
    if (ctx.is_admin()) {
      show_segments(segments[network_id], n);
    }
    out.push_back(std::move(n));
  }
  return out;
}

Json NetworkService::show(store::SqlSession& s, const AuthContext& ctx,
                          const std::string& id) const {
  visible(s, ctx, id);
  auto found = load(s, ctx, id);
  if (found.empty()) {
    throw network_not_found(id);
  }
  return found.front();
}

std::vector<Json> NetworkService::list(store::SqlSession& s, const AuthContext& ctx) const {
  return load(s, ctx, std::nullopt);
}

Json NetworkService::update(store::SqlSession& s, const AuthContext& ctx, const std::string& id,
                            const Json& attributes) const {
  const NetworkInfo network = visible(s, ctx, id);
  if (!owns(ctx, network.project_id)) {
    throw api::forbidden("(rule:update_network) is disallowed by policy");
  }
  for (const char* attr : {"provider:network_type", "provider:physical_network",
                           "provider:segmentation_id", "segments"}) {
    if (attributes.contains(attr)) {
      require_admin_for(ctx, "update_network", attr);
      throw api::bad_request(
          "Invalid input for operation: Plugin does not support updating provider attributes.",
          "InvalidInput");
    }
  }
  for (const char* attr : {"shared", "router:external"}) {
    if (attributes.contains(attr)) {
      require_admin_for(ctx, "update_network", attr);
    }
  }
  if (attributes.contains("shared")) {
    update_sharing(s, network, attributes["shared"].get<bool>());
  }
  if (attributes.contains("router:external")) {
    const bool external = attributes["router:external"].get<bool>();
    if (!external && network.external &&
        !s.query("SELECT 1 FROM ports WHERE network_id = ? AND device_owner = ? LIMIT 1",
                 {id, std::string(kRouterGatewayOwner)})
             .empty()) {
      throw api::conflict("ExternalNetworkInUse",
                          "External network " + id +
                              " cannot be updated to be made non-external, since it has "
                              "existing gateway ports.");
    }
    RbacAccess::set_wildcard(s, "network", id, kAccessAsExternal, network.project_id, external);
    if (!external) {
      s.execute(
          "DELETE FROM rbac_policies WHERE object_type = 'network' AND object_id = ? AND "
          "action = 'access_as_external'",
          {id});
    }
  }
  if (attributes.contains("mtu")) {
    int max_mtu = segments_.max_mtu(Segment{"vxlan", std::nullopt, std::nullopt});
    for (const auto& r :
         s.query("SELECT network_type FROM networksegments WHERE network_id = ?", {id})) {
      max_mtu =
          std::min(max_mtu, segments_.max_mtu(Segment{r.text(0), std::nullopt, std::nullopt}));
    }
    checked_mtu(attributes["mtu"].get<int64_t>(), max_mtu);
  }
  static const std::vector<std::pair<const char*, const char*>> columns = {
      {"name", "name"},
      {"description", "description"},
      {"admin_state_up", "admin_state_up"},
      {"shared", "shared"},
      {"router:external", "router_external"},
      {"mtu", "mtu"},
      {"port_security_enabled", "port_security_enabled"},
  };
  for (const auto& [attr, column] : columns) {
    const auto it = attributes.find(attr);
    if (it == attributes.end()) {
      continue;
    }
    store::SqlValue value = it->is_boolean()  ? store::SqlValue(int64_t{it->get<bool>()})
                            : it->is_string() ? store::SqlValue(it->get<std::string>())
                                              : store::SqlValue(it->get<int64_t>());
    s.execute(std::string("UPDATE networks SET ") + column + " = ? WHERE id = ?", {value, id});
  }
  touch(s, id);
  return show(s, ctx, id);
}

void NetworkService::remove(store::SqlSession& s, const AuthContext& ctx,
                            const std::string& id) const {
  const NetworkInfo network = visible(s, ctx, id);
  if (!owns(ctx, network.project_id)) {
    throw api::forbidden("(rule:delete_network) is disallowed by policy");
  }
  // An external network's floating IPs go with it, as in Neutron (a router gateway does not).
  FloatingIpService::remove_on_network(s, id);
  const auto in_use = s.query(
      "SELECT id FROM ports WHERE network_id = ? AND device_owner NOT IN ('network:dhcp', "
      "'network:floatingip') ORDER BY id",
      {id});
  if (!in_use.empty()) {
    std::string ids;
    for (const auto& r : in_use) {
      ids += (ids.empty() ? "" : ", ") + r.text(0);
    }
    throw api::conflict("NetworkInUse", "Unable to complete operation on network " + id +
                                            ". There are one or more ports still in use on the "
                                            "network, id for these ports is: " +
                                            ids + ".");
  }
  // DHCP ports belong to the network's service; they go with it, as in Neutron.
  store::ChangeJournal::append_selected(s, store::JournalKind::kPort,
                                        "SELECT id FROM ports WHERE network_id = ?", {id});
  store::ChangeJournal::append_selected(s, store::JournalKind::kSubnet,
                                        "SELECT id FROM subnets WHERE network_id = ?", {id});
  store::ChangeJournal::append(s, store::JournalKind::kNetwork, id);
  s.execute(
      "DELETE FROM tags WHERE resource_type = 'ports' AND resource_id IN "
      "(SELECT id FROM ports WHERE network_id = ?)",
      {id});
  s.execute("DELETE FROM ports WHERE network_id = ?", {id});
  s.execute(
      "DELETE FROM tags WHERE resource_type = 'subnets' AND resource_id IN "
      "(SELECT id FROM subnets WHERE network_id = ?)",
      {id});
  TagStore::remove_all(s, "networks", id);
  RbacAccess::remove_all(s, "network", id);
  s.execute("DELETE FROM networks WHERE id = ?", {id});
}

}  // namespace neutrino::neutron
