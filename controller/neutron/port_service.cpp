#include "controller/neutron/port_service.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "common/clock.hpp"
#include "common/random.hpp"
#include "common/text_prefix.hpp"
#include "controller/api/api_error.hpp"
#include "controller/ipam/mac_address.hpp"
#include "controller/neutron/allowed_address_pairs.hpp"
#include "controller/neutron/extra_dhcp_opts.hpp"
#include "controller/neutron/host_binding.hpp"
#include "controller/neutron/ip_allocator.hpp"
#include "controller/neutron/l3_ports.hpp"
#include "controller/neutron/network_service.hpp"
#include "controller/neutron/port_device_attributes.hpp"
#include "controller/neutron/port_list_attributes.hpp"
#include "controller/neutron/port_mac_override.hpp"
#include "controller/neutron/port_policy.hpp"
#include "controller/neutron/port_security_groups.hpp"
#include "controller/neutron/scoped_select.hpp"
#include "controller/neutron/tag_store.hpp"
#include "controller/store/change_journal.hpp"

namespace neutrino::neutron {
namespace {

constexpr int kMacAttempts = 16;

api::ApiError port_not_found(const std::string& id) {
  return api::not_found("Port " + id + " could not be found.", "PortNotFound");
}

// Attribute validation that Neutron does before policy.
void check_port_extensions(const Json& attributes) {
  AllowedAddressPairs::validate(attributes);
  ExtraDhcpOpts::validate(attributes);
}

void check_vnic_type(const Json& attributes) {
  if (attributes.contains("binding:vnic_type") &&
      !vnic_types().contains(attributes["binding:vnic_type"].get<std::string>())) {
    throw api::bad_request("Invalid input for binding:vnic_type. Reason: '" +
                           attributes["binding:vnic_type"].get<std::string>() +
                           "' is not in the list of supported vnic types.");
  }
}

std::string checked_mac(const std::string& text) {
  const auto mac = ipam::MacAddress::parse(text);
  if (!mac || mac->is_multicast() || mac->to_string() == "00:00:00:00:00:00") {
    throw api::bad_request("Invalid input for mac_address. Reason: '" + text_prefix(text) +
                           "' is not a valid MAC address.");
  }
  return mac->to_string();
}

// The ports whose list attributes a load reads: those of a page by id, the rows of a longer
// list by its own query again (thousands of parameters would cost more).
IdSelection selection_of(const std::vector<store::SqlRow>& rows, const ScopedSelect& ports,
                         const AuthContext& ctx, const std::optional<std::string>& id) {
  constexpr size_t kPortsByIds = 100;
  if (rows.size() <= kPortsByIds) {
    std::vector<std::string> ids;
    ids.reserve(rows.size());
    for (const auto& r : rows) {
      ids.push_back(r.text(0));
    }
    return IdSelection::only(ids);
  }
  const auto scope = ports.where(ctx, id);
  return IdSelection::selected_by("SELECT p.id FROM ports p" + scope.sql + ports.order,
                                  scope.params);
}

}  // namespace

void PortService::bind_to_host(store::SqlSession& s, const std::string& id,
                               const std::string& host) const {
  const HostBinding bound = bind_host(s, agents_, host);
  s.execute(
      "UPDATE ml2_port_bindings SET host = ?, vif_type = ?, vif_details = ? WHERE port_id = ?",
      {host, bound.vif_type, bound.vif_details.dump(), id});
  // The active binding now is the host's: an inactive one there (binding-extended) is replaced.
  s.execute("DELETE FROM ml2_inactive_port_bindings WHERE port_id = ? AND host = ?", {id, host});
}

void PortService::apply_binding_mac(store::SqlSession& s, const std::string& id,
                                    const std::string& network_id) const {
  const auto override = mac_override(s, id);
  if (!override) {
    return;
  }
  if (!override->mac) {
    replace_with_random_mac(s, id, network_id);
  } else {
    try {
      s.execute("UPDATE ports SET mac_address = ? WHERE id = ?", {*override->mac, id});
    } catch (const store::ConstraintViolation&) {
      throw api::conflict("MacAddressInUse", "Unable to complete operation for network " +
                                                 network_id + ". The mac address " +
                                                 *override->mac + " is in use.");
    }
  }
  IpAllocator::refresh_automatic_addresses(s, id, network_id);
}

void PortService::touch(store::SqlSession& s, const std::string& id) {
  s.execute("UPDATE ports SET revision_number = revision_number + 1, updated_at = ? WHERE id = ?",
            {clock::now_unix_seconds(), id});
  store::ChangeJournal::append(s, store::JournalKind::kPort, id);
}

std::string PortService::insert_with_mac(store::SqlSession& s,
                                         const std::vector<store::SqlValue>& row,
                                         const std::optional<std::string>& requested_mac,
                                         const std::string& network_id) const {
  static const std::string sql =
      "INSERT INTO ports (id, project_id, network_id, name, description, admin_state_up, "
      "status, device_id, device_owner, port_security_enabled, revision_number, created_at, "
      "updated_at, mac_address) VALUES (?, ?, ?, ?, ?, ?, 'DOWN', ?, ?, ?, 1, ?, ?, ?)";
  auto params = row;
  if (requested_mac) {
    params.push_back(*requested_mac);
    try {
      s.execute(sql, params);
    } catch (const store::ConstraintViolation&) {
      throw api::conflict("MacAddressInUse", "Unable to complete operation for network " +
                                                 network_id + ". The mac address " +
                                                 *requested_mac + " is in use.");
    }
    return *requested_mac;
  }
  // UNIQUE (network_id, mac_address) decides; a collision just draws again.
  for (int attempt = 0; attempt < kMacAttempts; ++attempt) {
    const std::string mac = ipam::MacAddress::random_with_base(base_mac_).to_string();
    params.push_back(mac);
    try {
      s.savepoint([&] { s.execute(sql, params); });
      return mac;
    } catch (const store::ConstraintViolation&) {
      params.pop_back();
    }
  }
  throw api::ApiError(503, "MacAddressGenerationFailure",
                      "Unable to generate unique mac on network " + network_id + ".");
}

void PortService::replace_with_random_mac(store::SqlSession& s, const std::string& id,
                                          const std::string& network_id) const {
  // port-mac-address-regenerate: as on create, the unique (network, mac) index decides.
  for (int attempt = 0; attempt < kMacAttempts; ++attempt) {
    const std::string mac = ipam::MacAddress::random_with_base(base_mac_).to_string();
    try {
      s.savepoint([&] { s.execute("UPDATE ports SET mac_address = ? WHERE id = ?", {mac, id}); });
      return;
    } catch (const store::ConstraintViolation&) {
    }
  }
  throw api::ApiError(503, "MacAddressGenerationFailure",
                      "Unable to generate unique mac on network " + network_id + ".");
}

Json PortService::create(store::SqlSession& s, const AuthContext& ctx,
                         const Json& attributes) const {
  const std::string project = owning_project(ctx, attributes);
  const std::string network_id = attributes["network_id"].get<std::string>();
  const NetworkInfo network = NetworkService::attachable(s, ctx, network_id);
  check_vnic_type(attributes);
  PortDeviceAttributes::validate(attributes);
  check_port_extensions(attributes);
  std::optional<std::string> mac;
  if (attributes.contains("mac_address") && !attributes["mac_address"].is_null()) {
    mac = checked_mac(attributes["mac_address"].get<std::string>());
  }
  PortPolicy::enforce_create(ctx, attributes, {network.project_id, network.shared});
  const std::string id = random::uuid4();
  const int64_t now = clock::now_unix_seconds();
  const bool port_security =
      attributes.value("port_security_enabled", network.port_security_enabled);
  const std::string port_mac = insert_with_mac(
      s,
      {id, project, network_id, attributes.value("name", ""), attributes.value("description", ""),
       int64_t{attributes.value("admin_state_up", true)}, attributes.value("device_id", ""),
       attributes.value("device_owner", ""), int64_t{port_security}, now, now},
      mac, network_id);
  const std::string host = attributes.value("binding:host_id", "");
  s.execute(
      "INSERT INTO ml2_port_bindings (port_id, host, vif_type, vnic_type, profile, vif_details) "
      "VALUES (?, ?, ?, ?, ?, '{}')",
      {id, host, std::string("unbound"), attributes.value("binding:vnic_type", "normal"),
       attributes.value("binding:profile", Json::object()).dump()});
  bind_to_host(s, id, host);
  PortDeviceAttributes::store(s, id, attributes);
  if (!host.empty()) {
    apply_binding_mac(s, id, network_id);
  }
  PortSecurityGroups::on_create(
      s, ctx, {id, project, attributes.value("device_owner", ""), port_security}, attributes);
  IpAllocator::assign(s, id, network_id,
                      attributes.contains("fixed_ips")
                          ? std::optional<Json>(attributes["fixed_ips"])
                          : std::nullopt);
  AllowedAddressPairs::on_create(s, {id, port_mac, port_security}, attributes);
  ExtraDhcpOpts::on_create(s, id, attributes);
  if (attributes.contains("tags")) {
    TagStore::replace(s, "ports", id, attributes["tags"]);
  }
  store::ChangeJournal::append(s, store::JournalKind::kPort, id);
  return show(s, ctx, id);
}

void PortService::check_visible(store::SqlSession& s, const AuthContext& ctx,
                                const std::string& id) const {
  const auto rows = s.query(
      "SELECT p.project_id, n.project_id FROM ports p JOIN networks n ON n.id = p.network_id "
      "WHERE p.id = ?",
      {id});
  if (rows.empty() || !(owns(ctx, rows[0].text(0)) || owns(ctx, rows[0].text(1)))) {
    throw port_not_found(id);
  }
}

std::vector<Json> PortService::load(store::SqlSession& s, const AuthContext& ctx,
                                    const std::optional<std::string>& id,
                                    const SqlPrefilter& narrow) const {
  // Whom the caller may see, then what the query narrows that to.
  const ScopedSelect ports{
      .select =
          "SELECT p.id, p.project_id, p.network_id, p.name, p.description, p.mac_address, "
          "p.admin_state_up, p.status, p.device_id, p.device_owner, "
          "p.port_security_enabled, p.revision_number, p.created_at, p.updated_at, b.host, "
          "b.vif_type, b.vnic_type, b.profile, b.vif_details, " +
          std::string(PortDeviceAttributes::columns()) +
          " FROM ports p LEFT JOIN ml2_port_bindings b ON b.port_id = p.id",
      .id_column = "p.id",
      // A member sees its project's ports and every port on its project's networks.
      .member_terms = {"p.project_id = ?",
                       "p.network_id IN (SELECT id FROM networks WHERE project_id = ?)"},
      .order = narrow.order_and_limit,
      .narrowing = narrow.condition,
      .narrowing_params = narrow.params};
  const auto rows = ports.rows(s, ctx, id);
  const auto lists = PortListAttributes::load(s, selection_of(rows, ports, ctx, id));
  std::vector<Json> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    const std::string port_id = r.text(0);
    Json p = {
        {"id", port_id},
        {"name", r.text(3)},
        {"description", r.text(4)},
        {"network_id", r.text(2)},
        {"tenant_id", r.text(1)},
        {"project_id", r.text(1)},
        {"mac_address", r.text(5)},
        {"admin_state_up", r.boolean(6)},
        {"status", r.text(7)},
        {"device_id", r.text(8)},
        {"device_owner", r.text(9)},
        {"port_security_enabled", r.boolean(10)},
        {"binding:vnic_type", r.text(16)},
        {"revision_number", r.integer(11)},
        {"created_at", clock::format_iso8601(r.integer(12))},
        {"updated_at", clock::format_iso8601(r.integer(13))},
    };
    PortDeviceAttributes::show(r, 19, p);
    lists.show(port_id, p);
    if (ctx.is_admin()) {
      p["binding:host_id"] = r.text(14);
      p["binding:vif_type"] = r.text(15);
      p["binding:profile"] = Json::parse(r.text(17), nullptr, false);
      p["binding:vif_details"] = Json::parse(r.text(18), nullptr, false);
    }
    out.push_back(std::move(p));
  }
  return out;
}

Json PortService::show(store::SqlSession& s, const AuthContext& ctx, const std::string& id) const {
  check_visible(s, ctx, id);
  auto found = load(s, ctx, id);
  if (found.empty()) {
    throw port_not_found(id);
  }
  return found.front();
}

std::vector<Json> PortService::list(store::SqlSession& s, const AuthContext& ctx,
                                    const ListQuery& query) const {
  // Attributes stored as text in ports, compared exactly by the list engine; mac_address once
  // its values take the stored form (lower case, colons), which the engine compares.
  static const std::map<std::string, std::string> kColumns = {
      {"mac_address", "p.mac_address"},
      {"id", "p.id"},
      {"network_id", "p.network_id"},
      {"project_id", "p.project_id"},
      {"tenant_id", "p.project_id"},
      {"name", "p.name"},
      {"status", "p.status"},
      {"device_id", "p.device_id"},
      {"device_owner", "p.device_owner"},
  };
  ListQuery narrowing = query;
  if (const auto macs = narrowing.filters.find("mac_address"); macs != narrowing.filters.end()) {
    for (auto& mac : macs->second) {
      std::transform(mac.begin(), mac.end(), mac.begin(), [](unsigned char c) {
        return c == '-' ? ':' : static_cast<char>(std::tolower(c));
      });
    }
  }
  return load(s, ctx, std::nullopt, SqlPrefilter::from(narrowing, kColumns, "p.id", "p.id"));
}

Json PortService::update(store::SqlSession& s, const AuthContext& ctx, const std::string& id,
                         const Json& attributes) const {
  check_visible(s, ctx, id);
  check_vnic_type(attributes);
  PortDeviceAttributes::validate(attributes);
  check_port_extensions(attributes);
  std::optional<std::string> mac;
  const bool regenerate_mac =
      attributes.contains("mac_address") && attributes["mac_address"].is_null();
  if (attributes.contains("mac_address") && !regenerate_mac) {
    mac = checked_mac(attributes["mac_address"].get<std::string>());
  }
  const auto row = s.query(
      "SELECT network_id, project_id, device_owner, port_security_enabled FROM ports WHERE id = ?",
      {id});
  const std::string network_id = row[0].text(0);
  const auto network = NetworkService::find(s, network_id);
  PortPolicy::enforce_update(ctx, attributes, {network->project_id, network->shared});
  PortSecurityGroups::on_update(
      s, ctx,
      {id, row[0].text(1), attributes.value("device_owner", row[0].text(2)),
       attributes.value("port_security_enabled", row[0].boolean(3))},
      attributes);
  if (attributes.contains("fixed_ips")) {
    IpAllocator::assign(s, id, network_id, attributes["fixed_ips"], IpAllocator::of_port(s, id));
  }
  if (mac) {
    try {
      s.execute("UPDATE ports SET mac_address = ? WHERE id = ?", {*mac, id});
    } catch (const store::ConstraintViolation&) {
      throw api::conflict("MacAddressInUse", "Unable to complete operation for network " +
                                                 network_id + ". The mac address " + *mac +
                                                 " is in use.");
    }
    IpAllocator::refresh_automatic_addresses(s, id, network_id);
  } else if (regenerate_mac) {
    replace_with_random_mac(s, id, network_id);
    IpAllocator::refresh_automatic_addresses(s, id, network_id);
  }
  for (const char* column : {"name", "description", "device_id", "device_owner"}) {
    if (attributes.contains(column)) {
      s.execute(std::string("UPDATE ports SET ") + column + " = ? WHERE id = ?",
                {attributes[column].get<std::string>(), id});
    }
  }
  for (const char* column : {"admin_state_up", "port_security_enabled"}) {
    if (attributes.contains(column)) {
      s.execute(std::string("UPDATE ports SET ") + column + " = ? WHERE id = ?",
                {int64_t{attributes[column].get<bool>()}, id});
    }
  }
  AllowedAddressPairs::on_update(
      s,
      {id, s.query("SELECT mac_address FROM ports WHERE id = ?", {id})[0].text(0),
       attributes.value("port_security_enabled", row[0].boolean(3))},
      attributes);
  ExtraDhcpOpts::on_update(s, id, attributes);
  if (attributes.contains("binding:host_id")) {
    bind_to_host(s, id, attributes["binding:host_id"].get<std::string>());
  }
  if (attributes.contains("binding:profile")) {
    s.execute("UPDATE ml2_port_bindings SET profile = ? WHERE port_id = ?",
              {attributes["binding:profile"].dump(), id});
  }
  if (attributes.contains("binding:vnic_type")) {
    s.execute("UPDATE ml2_port_bindings SET vnic_type = ? WHERE port_id = ?",
              {attributes["binding:vnic_type"].get<std::string>(), id});
  }
  PortDeviceAttributes::store(s, id, attributes);
  if (attributes.contains("binding:host_id") || attributes.contains("binding:profile") ||
      attributes.contains("binding:vnic_type")) {
    apply_binding_mac(s, id, network_id);
  }
  touch(s, id);
  return show(s, ctx, id);
}

void PortService::remove(store::SqlSession& s, const AuthContext& ctx,
                         const std::string& id) const {
  check_visible(s, ctx, id);
  L3Ports::before_port_delete(s, id);
  TagStore::remove_all(s, "ports", id);
  s.execute("DELETE FROM ports WHERE id = ?", {id});
  store::ChangeJournal::append(s, store::JournalKind::kPort, id);
}

}  // namespace neutrino::neutron
