#include "controller/neutron/subnet_service.hpp"

#include <map>

#include "common/clock.hpp"
#include "common/random.hpp"
#include "controller/api/api_error.hpp"
#include "controller/ipam/allocation_pools.hpp"
#include "controller/neutron/ip_allocator.hpp"
#include "controller/neutron/network_service.hpp"
#include "controller/neutron/port_service.hpp"
#include "controller/neutron/rbac_access.hpp"
#include "controller/neutron/resource_schema.hpp"
#include "controller/neutron/scoped_select.hpp"
#include "controller/neutron/subnet_attributes.hpp"
#include "controller/neutron/subnet_pool_allocation.hpp"
#include "controller/neutron/subnet_service_types.hpp"
#include "controller/neutron/tag_store.hpp"
#include "controller/store/change_journal.hpp"

namespace neutrino::neutron {
namespace {

// 1 when the subnet's network is shared with the caller (binds the caller's project): a
// subnet's `shared` is its network's, as the caller sees it.
std::string shared_with_caller() {
  return "CASE WHEN " + RbacAccess::granted_clause("network", kAccessAsShared, "n.id") +
         " THEN 1 ELSE 0 END";
}

api::ApiError subnet_not_found(const std::string& id) {
  return api::not_found("Subnet " + id + " could not be found.", "SubnetNotFound");
}

std::vector<ipam::IpRange> load_pools(store::SqlSession& s, const std::string& subnet_id) {
  std::vector<ipam::IpRange> pools;
  for (const auto& r : s.query(
           "SELECT first_ip, last_ip FROM ipallocationpools WHERE subnet_id = ? ORDER BY position",
           {subnet_id})) {
    pools.push_back(
        ipam::IpRange{*ipam::IpAddress::parse(r.text(0)), *ipam::IpAddress::parse(r.text(1))});
  }
  return pools;
}

void store_pools(store::SqlSession& s, const std::string& subnet_id,
                 const std::vector<ipam::IpRange>& pools) {
  s.execute("DELETE FROM ipallocationpools WHERE subnet_id = ?", {subnet_id});
  int64_t position = 0;
  for (const auto& pool : pools) {
    s.execute(
        "INSERT INTO ipallocationpools (id, subnet_id, first_ip, last_ip, position) "
        "VALUES (?, ?, ?, ?, ?)",
        {random::uuid4(), subnet_id, pool.first.to_string(), pool.last.to_string(), position++});
  }
}

void store_dns(store::SqlSession& s, const std::string& subnet_id, const Json& value, int version) {
  const auto servers = parse_dns_nameservers(value, version);
  s.execute("DELETE FROM dnsnameservers WHERE subnet_id = ?", {subnet_id});
  int64_t order = 0;
  for (const auto& address : servers) {
    s.execute("INSERT INTO dnsnameservers (subnet_id, address, \"order\") VALUES (?, ?, ?)",
              {subnet_id, address, order++});
  }
}

void store_routes(store::SqlSession& s, const std::string& subnet_id, const Json& value,
                  int version) {
  const auto routes = parse_host_routes(value, version);
  s.execute("DELETE FROM subnetroutes WHERE subnet_id = ?", {subnet_id});
  for (const auto& route : routes) {
    s.execute("INSERT INTO subnetroutes (subnet_id, destination, nexthop) VALUES (?, ?, ?)",
              {subnet_id, route.destination, route.nexthop});
  }
}

std::optional<std::string> optional_text(const store::SqlRow& r, int column) {
  return r.is_null(column) ? std::nullopt : std::optional<std::string>(r.text(column));
}

// The columns info_from reads, in its order.
constexpr const char* kInfoColumns =
    "s.id, s.network_id, s.project_id, s.cidr, s.gateway_ip, s.ipv6_ra_mode, "
    "s.ipv6_address_mode";

SubnetInfo info_from(store::SqlSession& s, const store::SqlRow& r) {
  SubnetInfo info{r.text(0),
                  r.text(1),
                  r.text(2),
                  ipam::Cidr::parse(r.text(3)),
                  std::nullopt,
                  {},
                  Ipv6Modes{optional_text(r, 5), optional_text(r, 6)}};
  if (!r.is_null(4)) {
    info.gateway = ipam::IpAddress::parse(r.text(4));
  }
  info.pools = load_pools(s, info.id);
  return info;
}

// The pool a new subnet is cut from: the one it names, or the default pool of its IP version
// when it asks for that (default-subnetpools); nullopt for a subnet with its own cidr.
std::optional<SubnetPoolInfo> requested_pool(store::SqlSession& s, const AuthContext& ctx,
                                             const Json& attributes, int version) {
  if (attributes.contains("subnetpool_id") && !attributes["subnetpool_id"].is_null()) {
    return SubnetPoolService::visible(s, ctx, attributes["subnetpool_id"].get<std::string>());
  }
  if (!attributes.value("use_default_subnetpool", false)) {
    return std::nullopt;
  }
  const auto id = SubnetPoolService::default_pool(s, version);
  if (!id) {
    throw api::bad_request("Bad subnets request: No default subnetpool found for IPv" +
                           std::to_string(version) + ".");
  }
  // The default pool serves every project, shared or not, as in Neutron.
  return SubnetPoolService::find(s, *id);
}

// Neutron keeps the subnets of one IP version on a network in one pool (or none).
void check_pool_affinity(store::SqlSession& s, const std::string& network_id, int version,
                         const std::optional<SubnetPoolInfo>& pool) {
  const std::string wanted = pool ? pool->id : "";
  for (const auto& r : s.query("SELECT COALESCE(subnetpool_id, '') FROM subnets WHERE "
                               "network_id = ? AND ip_version = ?",
                               {network_id, int64_t{version}})) {
    if (r.text(0) != wanted) {
      throw api::bad_request(
          "Subnets hosted on the same network must be allocated from the same subnet pool.",
          "NetworkSubnetPoolAffinityError");
    }
  }
}

}  // namespace

void SubnetService::touch(store::SqlSession& s, const std::string& id) {
  s.execute("UPDATE subnets SET revision_number = revision_number + 1, updated_at = ? WHERE id = ?",
            {clock::now_unix_seconds(), id});
  store::ChangeJournal::append(s, store::JournalKind::kSubnet, id);
}

std::vector<SubnetInfo> SubnetService::of_network(store::SqlSession& s,
                                                  const std::string& network_id) {
  std::vector<SubnetInfo> out;
  for (const auto& r : s.query(std::string("SELECT ") + kInfoColumns +
                                   " FROM subnets s WHERE s.network_id = ? ORDER BY s.created_at, "
                                   "s.id",
                               {network_id})) {
    out.push_back(info_from(s, r));
  }
  return out;
}

SubnetInfo SubnetService::visible(store::SqlSession& s, const AuthContext& ctx,
                                  const std::string& id) const {
  const auto rows = s.query(std::string("SELECT ") + kInfoColumns + ", " + shared_with_caller() +
                                " FROM subnets s JOIN networks n ON n.id = s.network_id "
                                "WHERE s.id = ?",
                            {ctx.project_id, id});
  if (rows.empty() || !(owns(ctx, rows[0].text(2)) || rows[0].boolean(7))) {
    throw subnet_not_found(id);
  }
  return info_from(s, rows[0]);
}

Json SubnetService::create(store::SqlSession& s, const AuthContext& ctx,
                           const Json& attributes) const {
  const std::string project = owning_project(ctx, attributes);
  const std::string network_id = attributes["network_id"].get<std::string>();
  const NetworkInfo network = NetworkService::visible(s, ctx, network_id);
  if (!owns(ctx, network.project_id)) {
    throw api::forbidden("(rule:create_subnet) is disallowed by policy");
  }
  const int64_t version = attributes["ip_version"].get<int64_t>();
  if (version != 4 && version != 6) {
    throw api::bad_request("Invalid input for ip_version. Reason: " + std::to_string(version) +
                           " is not in [4, 6].");
  }
  const std::optional<SubnetPoolInfo> pool =
      requested_pool(s, ctx, attributes, static_cast<int>(version));
  check_pool_affinity(s, network_id, static_cast<int>(version), pool);
  std::optional<ipam::Cidr> requested;
  if (attributes.contains("cidr") && !attributes["cidr"].is_null()) {
    requested = ipam::Cidr::parse(attributes["cidr"].get<std::string>());
    if (requested->version() != version) {
      throw api::bad_request("Invalid input for operation: Cidr " + requested->to_string() +
                                 " is invalid for IP version " + std::to_string(version) + ".",
                             "InvalidInput");
    }
  }
  if (!pool && !requested) {
    throw api::bad_request(
        "Bad subnets request: a subnetpool must be specified in the absence of a cidr.");
  }
  std::optional<int64_t> prefixlen;
  if (attributes.contains("prefixlen") && !attributes["prefixlen"].is_null()) {
    prefixlen = to_int(attributes["prefixlen"], "prefixlen");
  }
  const ipam::Cidr cidr =
      pool
          ? allocate_from_pool(s, *pool, {project, static_cast<int>(version), requested, prefixlen})
          : *requested;
  for (const auto& other : of_network(s, network_id)) {
    if (other.cidr.overlaps(cidr)) {
      throw api::bad_request(
          "Invalid input for operation: Requested subnet with cidr: " + cidr.to_string() +
              " for network: " + network_id + " overlaps with another subnet.",
          "InvalidInput");
    }
  }
  SubnetServiceTypes::validate(attributes.value("service_types", Json()));
  const bool enable_dhcp = attributes.value("enable_dhcp", true);
  const Ipv6Modes modes = parse_ipv6_modes(attributes, cidr, enable_dhcp);
  std::optional<ipam::IpAddress> gateway;
  if (attributes.contains("gateway_ip")) {
    gateway = parse_gateway(attributes["gateway_ip"], cidr);
  } else {
    gateway = cidr.first_host();
  }
  std::vector<ipam::IpRange> pools;
  if (attributes.contains("allocation_pools")) {
    pools = ipam::parse_allocation_pools(attributes["allocation_pools"]);
    ipam::validate_allocation_pools(cidr, pools, gateway);
  } else {
    pools = ipam::default_allocation_pools(cidr, gateway);
  }

  const std::string id = random::uuid4();
  const int64_t now = clock::now_unix_seconds();
  s.execute(
      "INSERT INTO subnets (id, project_id, network_id, name, description, ip_version, cidr, "
      "gateway_ip, enable_dhcp, ipv6_ra_mode, ipv6_address_mode, subnetpool_id, revision_number, "
      "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)",
      {id, project, network_id, attributes.value("name", ""), attributes.value("description", ""),
       version, cidr.to_string(),
       gateway ? store::SqlValue(gateway->to_string()) : store::SqlValue(std::monostate{}),
       int64_t{enable_dhcp}, store::null_if_empty(modes.ra_mode),
       store::null_if_empty(modes.address_mode),
       pool ? store::SqlValue(pool->id) : store::SqlValue(std::monostate{}), now, now});
  store_pools(s, id, pools);
  if (attributes.contains("dns_nameservers")) {
    store_dns(s, id, attributes["dns_nameservers"], static_cast<int>(version));
  }
  if (attributes.contains("host_routes")) {
    store_routes(s, id, attributes["host_routes"], static_cast<int>(version));
  }
  if (attributes.contains("service_types")) {
    SubnetServiceTypes::replace(s, id, attributes["service_types"]);
  }
  if (attributes.contains("tags")) {
    TagStore::replace(s, "subnets", id, attributes["tags"]);
  }
  store::ChangeJournal::append(s, store::JournalKind::kSubnet, id);
  if (modes.auto_address()) {
    IpAllocator::add_automatic_addresses(s, id);
  }
  NetworkService::touch(s, network_id);
  return show(s, ctx, id);
}

std::vector<Json> SubnetService::load(store::SqlSession& s, const AuthContext& ctx,
                                      const std::optional<std::string>& id) const {
  const std::string columns =
      "SELECT s.id, s.project_id, s.network_id, s.name, s.description, s.ip_version, s.cidr, "
      "s.gateway_ip, s.enable_dhcp, s.revision_number, s.created_at, s.updated_at, " +
      shared_with_caller() +
      ", s.ipv6_ra_mode, s.ipv6_address_mode, s.subnetpool_id FROM subnets s JOIN networks n ON "
      "n.id = s.network_id";
  const auto rows =
      ScopedSelect{.select = columns,
                   .id_column = "s.id",
                   .member_terms = {"s.project_id = ?",
                                    RbacAccess::granted_clause("network", kAccessAsShared, "n.id")},
                   .order = " ORDER BY s.created_at, s.id",
                   .select_params = {ctx.project_id}}
          .rows(s, ctx, id);
  const std::string where = id ? " WHERE subnet_id = ?" : "";
  const store::SqlParams params = id ? store::SqlParams{*id} : store::SqlParams{};
  std::map<std::string, Json> pools, dns, routes;
  for (const auto& r : s.query("SELECT subnet_id, first_ip, last_ip FROM ipallocationpools" +
                                   where + " ORDER BY subnet_id, position",
                               params)) {
    pools[r.text(0)].push_back({{"start", r.text(1)}, {"end", r.text(2)}});
  }
  for (const auto& r :
       s.query("SELECT subnet_id, address FROM dnsnameservers" + where + " ORDER BY \"order\"",
               params)) {
    dns[r.text(0)].push_back(r.text(1));
  }
  for (const auto& r :
       s.query("SELECT subnet_id, destination, nexthop FROM subnetroutes" + where, params)) {
    routes[r.text(0)].push_back({{"destination", r.text(1)}, {"nexthop", r.text(2)}});
  }
  auto tags = TagStore::load_for(s, "subnets", IdSelection::of(id));
  auto service_types = SubnetServiceTypes::load(s, id.value_or(""));
  std::vector<Json> out;
  for (const auto& r : rows) {
    const std::string subnet_id = r.text(0);
    auto list_or_empty = [](std::map<std::string, Json>& m, const std::string& key) {
      auto it = m.find(key);
      return it == m.end() ? Json::array() : it->second;
    };
    out.push_back({
        {"id", subnet_id},
        {"name", r.text(3)},
        {"description", r.text(4)},
        {"tenant_id", r.text(1)},
        {"project_id", r.text(1)},
        {"network_id", r.text(2)},
        {"ip_version", r.integer(5)},
        {"cidr", r.text(6)},
        {"gateway_ip", r.is_null(7) ? Json(nullptr) : Json(r.text(7))},
        {"enable_dhcp", r.boolean(8)},
        {"allocation_pools", list_or_empty(pools, subnet_id)},
        {"dns_nameservers", list_or_empty(dns, subnet_id)},
        {"host_routes", list_or_empty(routes, subnet_id)},
        {"subnetpool_id", r.is_null(15) ? Json(nullptr) : Json(r.text(15))},
        {"ipv6_ra_mode", r.is_null(13) ? Json(nullptr) : Json(r.text(13))},
        {"ipv6_address_mode", r.is_null(14) ? Json(nullptr) : Json(r.text(14))},
        {"service_types", list_or_empty(service_types, subnet_id)},
        {"tags", tags[subnet_id]},
        {"revision_number", r.integer(9)},
        {"created_at", clock::format_iso8601(r.integer(10))},
        {"updated_at", clock::format_iso8601(r.integer(11))},
        // Not shown: the list handler filters on it and removes it (ListTarget::hidden).
        {"shared", r.boolean(12)},
    });
  }
  return out;
}

Json SubnetService::show(store::SqlSession& s, const AuthContext& ctx,
                         const std::string& id) const {
  visible(s, ctx, id);
  auto found = load(s, ctx, id);
  if (found.empty()) {
    throw subnet_not_found(id);
  }
  found.front().erase("shared");
  return found.front();
}

std::vector<Json> SubnetService::list(store::SqlSession& s, const AuthContext& ctx) const {
  return load(s, ctx, std::nullopt);
}

Json SubnetService::update(store::SqlSession& s, const AuthContext& ctx, const std::string& id,
                           const Json& attributes) const {
  const SubnetInfo subnet = visible(s, ctx, id);
  if (!owns(ctx, subnet.project_id)) {
    throw api::forbidden("(rule:update_subnet) is disallowed by policy");
  }
  const int version = subnet.cidr.version();
  check_ipv6_dhcp_update(subnet.modes, attributes);
  if (attributes.contains("service_types")) {
    SubnetServiceTypes::validate(attributes["service_types"]);
    SubnetServiceTypes::replace(s, id, attributes["service_types"]);
  }
  std::optional<ipam::IpAddress> gateway = subnet.gateway;
  if (attributes.contains("gateway_ip")) {
    gateway = parse_gateway(attributes["gateway_ip"], subnet.cidr);
  }
  std::vector<ipam::IpRange> pools = subnet.pools;
  if (attributes.contains("allocation_pools")) {
    pools = ipam::parse_allocation_pools(attributes["allocation_pools"]);
  }
  if (attributes.contains("allocation_pools") || attributes.contains("gateway_ip")) {
    ipam::validate_allocation_pools(subnet.cidr, pools, gateway);
  }
  if (attributes.contains("gateway_ip")) {
    s.execute(
        "UPDATE subnets SET gateway_ip = ? WHERE id = ?",
        {gateway ? store::SqlValue(gateway->to_string()) : store::SqlValue(std::monostate{}), id});
  }
  if (attributes.contains("allocation_pools")) {
    store_pools(s, id, pools);
  }
  if (attributes.contains("dns_nameservers")) {
    store_dns(s, id, attributes["dns_nameservers"], version);
  }
  if (attributes.contains("host_routes")) {
    store_routes(s, id, attributes["host_routes"], version);
  }
  for (const char* column : {"name", "description"}) {
    if (attributes.contains(column)) {
      s.execute(std::string("UPDATE subnets SET ") + column + " = ? WHERE id = ?",
                {attributes[column].get<std::string>(), id});
    }
  }
  if (attributes.contains("enable_dhcp")) {
    s.execute("UPDATE subnets SET enable_dhcp = ? WHERE id = ?",
              {int64_t{attributes["enable_dhcp"].get<bool>()}, id});
  }
  touch(s, id);
  return show(s, ctx, id);
}

void SubnetService::remove(store::SqlSession& s, const AuthContext& ctx,
                           const std::string& id) const {
  const SubnetInfo subnet = visible(s, ctx, id);
  if (!owns(ctx, subnet.project_id)) {
    throw api::forbidden("(rule:delete_subnet) is disallowed by policy");
  }
  // Addresses a subnet hands out by itself (EUI-64 on SLAAC and DHCPv6-stateless subnets) go
  // with it, as Neutron deletes them; only chosen addresses keep a subnet in use.
  for (const auto& r : s.query("SELECT DISTINCT a.port_id, p.device_owner FROM ipallocations a "
                               "JOIN ports p ON p.id = a.port_id WHERE a.subnet_id = ?",
                               {id})) {
    if (subnet.modes.auto_address() && !is_router_interface_owner(r.text(1))) {
      s.execute("DELETE FROM ipallocations WHERE subnet_id = ? AND port_id = ?", {id, r.text(0)});
      PortService::touch(s, r.text(0));
    }
  }
  const auto in_use = s.query(
      "SELECT COUNT(*) FROM ipallocations a JOIN ports p ON p.id = a.port_id "
      "WHERE a.subnet_id = ? AND p.device_owner <> 'network:dhcp'",
      {id});
  if (in_use[0].integer(0) > 0) {
    throw api::conflict("SubnetInUse", "Unable to complete operation on subnet " + id +
                                           ": One or more ports have an IP allocation from this "
                                           "subnet.");
  }
  // DHCP ports keep running on the network's other subnets; they only lose this address.
  store::ChangeJournal::append_selected(
      s, store::JournalKind::kPort,
      "SELECT DISTINCT port_id FROM ipallocations WHERE subnet_id = ?", {id});
  s.execute("DELETE FROM ipallocations WHERE subnet_id = ?", {id});
  TagStore::remove_all(s, "subnets", id);
  s.execute("DELETE FROM subnets WHERE id = ?", {id});
  store::ChangeJournal::append(s, store::JournalKind::kSubnet, id);
  NetworkService::touch(s, subnet.network_id);
}

}  // namespace neutrino::neutron
