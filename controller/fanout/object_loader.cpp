#include "controller/fanout/object_loader.hpp"

#include <map>

#include "controller/metadata/instance_record.hpp"
#include "controller/neutron/ip_protocols.hpp"
#include "controller/neutron/security_group_rule_input.hpp"

namespace neutrino::fanout {
namespace {

constexpr const char* kPortColumns =
    "SELECT p.id, p.network_id, p.mac_address, p.admin_state_up, p.port_security_enabled, "
    "p.device_owner, p.device_id, p.project_id, b.host FROM ports p LEFT JOIN ml2_port_bindings b "
    "ON b.port_id = p.id";

PortRecord port_from_row(const store::SqlRow& r) {
  PortRecord record;
  record.port.id = r.text(0);
  record.port.network_id = r.text(1);
  record.port.mac_address = r.text(2);
  record.port.admin_state_up = r.boolean(3);
  record.port.port_security_enabled = r.boolean(4);
  record.port.device_owner = r.text(5);
  record.port.device_id = r.text(6);
  record.port.project_id = r.text(7);
  record.host = r.text(8);
  return record;
}

std::optional<int64_t> optional_integer(const store::SqlRow& r, size_t i) {
  return r.is_null(i) ? std::nullopt : std::optional(r.integer(i));
}

std::optional<int64_t> widened(std::optional<int> value) {
  return value ? std::optional<int64_t>(*value) : std::nullopt;
}

// The allowed address pairs and extra DHCP options of one port, or of all (`id` nullopt),
// into the port that `port_of` finds (nullptr: skipped).
template <typename PortOf>
void load_port_options(store::SqlSession& s, const std::optional<std::string>& id, PortOf port_of) {
  const std::string where = id ? " WHERE port_id = ?" : "";
  const std::vector<store::SqlValue> params =
      id ? std::vector<store::SqlValue>{*id} : std::vector<store::SqlValue>{};
  for (const auto& r : s.query("SELECT port_id, ip_address, mac_address FROM allowedaddresspairs" +
                                   where + " ORDER BY port_id, position",
                               params)) {
    if (model::Port* port = port_of(r.text(0))) {
      port->allowed_address_pairs.push_back({r.text(1), r.text(2)});
    }
  }
  for (const auto& r :
       s.query("SELECT port_id, opt_name, opt_value, ip_version FROM extradhcpopts" + where +
                   " ORDER BY port_id, position",
               params)) {
    if (model::Port* port = port_of(r.text(0))) {
      port->extra_dhcp_opts.push_back({r.text(1), r.text(2), r.integer(3)});
    }
  }
}

}  // namespace

std::optional<PortRecord> load_port(store::SqlSession& s, const std::string& id) {
  const auto rows = s.query(std::string(kPortColumns) + " WHERE p.id = ?", {id});
  if (rows.empty()) {
    return std::nullopt;
  }
  PortRecord record = port_from_row(rows[0]);
  for (const auto& r : s.query("SELECT subnet_id, ip_address FROM ipallocations WHERE port_id = ? "
                               "ORDER BY subnet_id, ip_address",
                               {id})) {
    record.port.fixed_ips.push_back({r.text(0), r.text(1)});
  }
  for (const auto& r : s.query("SELECT security_group_id FROM securitygroupportbindings WHERE "
                               "port_id = ? ORDER BY security_group_id",
                               {id})) {
    record.port.security_groups.push_back(r.text(0));
  }
  load_port_options(s, id, [&](const std::string&) { return &record.port; });
  return record;
}

std::optional<model::Network> load_network(store::SqlSession& s, const std::string& id) {
  const auto n = s.query(
      "SELECT n.mtu, n.admin_state_up, g.network_type, g.physical_network, g.segmentation_id "
      "FROM networks n LEFT JOIN networksegments g ON g.network_id = n.id WHERE n.id = ? "
      "ORDER BY g.segment_index",
      {id});
  if (n.empty()) {
    return std::nullopt;
  }
  return model::Network{id,           n[0].integer(0),       n[0].boolean(1),
                        n[0].text(2), n[0].optional_text(3), optional_integer(n[0], 4)};
}

std::optional<model::Subnet> load_subnet(store::SqlSession& s, const std::string& id) {
  const auto rows = s.query(
      "SELECT network_id, cidr, gateway_ip, enable_dhcp, ip_version FROM subnets WHERE id = ?",
      {id});
  if (rows.empty()) {
    return std::nullopt;
  }
  const auto& r = rows[0];
  model::Subnet subnet{id,           r.text(0),    r.text(1), r.optional_text(2),
                       r.boolean(3), r.integer(4), {},        {}};
  for (const auto& d :
       s.query("SELECT address FROM dnsnameservers WHERE subnet_id = ? ORDER BY \"order\"", {id})) {
    subnet.dns_nameservers.push_back(d.text(0));
  }
  for (const auto& h : s.query("SELECT destination, nexthop FROM subnetroutes WHERE subnet_id = ? "
                               "ORDER BY destination, nexthop",
                               {id})) {
    subnet.host_routes.push_back({h.text(0), h.text(1)});
  }
  return subnet;
}

std::optional<model::SecurityGroup> load_security_group(store::SqlSession& s,
                                                        const std::string& id) {
  const auto found = s.query("SELECT stateful FROM securitygroups WHERE id = ?", {id});
  if (found.empty()) {
    return std::nullopt;
  }
  model::SecurityGroup group{id, found[0].boolean(0), {}};
  for (const auto& r :
       s.query("SELECT id, direction, ethertype, protocol, port_range_min, port_range_max, "
               "remote_ip_prefix, remote_group_id, remote_address_group_id FROM "
               "securitygrouprules WHERE security_group_id = ? ORDER BY id",
               {id})) {
    const std::string ethertype = r.text(2);
    group.rules.push_back({r.text(0), r.text(1), ethertype,
                           widened(neutron::protocol_number(r.optional_text(3), ethertype)),
                           optional_integer(r, 4), optional_integer(r, 5),
                           neutron::normalized_cidr(r.optional_text(6)), r.optional_text(7),
                           r.optional_text(8)});
  }
  return group;
}

std::string load_tunnel_ip(store::SqlSession& s, const std::string& host) {
  const auto rows = s.query(
      "SELECT configurations FROM agents WHERE host = ? AND agent_type = 'Open vSwitch agent'",
      {host});
  if (rows.empty()) {
    return "";
  }
  const Json config = Json::parse(rows[0].text(0), nullptr, false);
  return config.is_object() ? config.value("tunneling_ip", "") : "";
}

std::optional<InstanceRecord> load_instance(store::SqlSession& s, const std::string& id) {
  const auto rows = s.query(
      "SELECT i.host, m.id, i.hostname, i.project_id, i.vcpus, i.memory_mb, i.root_gb, "
      "i.ephemeral_gb, i.image_meta, i.desired_power, i.reboot_count, i.reboot_type, "
      "i.start_count FROM "
      "instances i JOIN instance_id_mappings m ON m.uuid = i.id WHERE i.id = ? AND i.vm_state IS "
      "NOT NULL "
      "AND (i.task_state IS NULL OR i.task_state <> 'deleting') AND i.host IS NOT NULL AND "
      "i.host <> ''",
      {id});
  if (rows.empty()) {
    return std::nullopt;
  }
  const auto& r = rows[0];
  const Json meta = Json::parse(r.text(8), nullptr, false);
  const auto part = [&](const char* key) {
    return meta.is_object() && meta.contains(key) ? meta[key] : Json(nullptr);
  };
  const Json cmdline = part("kernel_cmdline");
  InstanceRecord record;
  record.host = r.text(0);
  record.instance = {id,
                     metadata::domain_name(r.integer(1)),
                     r.text(2),
                     r.text(3),
                     r.integer(4),
                     r.integer(5),
                     r.integer(6),
                     r.integer(7),
                     part("image"),
                     part("kernel"),
                     part("ramdisk"),
                     cmdline.is_string() ? std::optional(cmdline.get<std::string>()) : std::nullopt,
                     {},
                     r.text(9),
                     r.integer(10),
                     r.text(11),
                     r.integer(12)};
  for (const auto& p : s.query(
           "SELECT p.id, p.mac_address, p.network_id, n.mtu FROM instance_ports ip JOIN ports p ON "
           "p.id = ip.port_id JOIN networks n ON n.id = p.network_id WHERE ip.instance_uuid = ? "
           "ORDER BY ip.position",
           {id})) {
    record.instance.ports.push_back({p.text(0), p.text(1), p.text(2), p.integer(3)});
    record.networks.insert(p.text(2));
  }
  return record;
}

std::optional<model::AddressGroup> load_address_group(store::SqlSession& s, const std::string& id) {
  if (s.query("SELECT 1 FROM address_groups WHERE id = ?", {id}).empty()) {
    return std::nullopt;
  }
  model::AddressGroup group{id, {}};
  for (const auto& r : s.query("SELECT address FROM address_associations WHERE "
                               "address_group_id = ? ORDER BY address",
                               {id})) {
    group.addresses.push_back(r.text(0));
  }
  return group;
}

void load_all(store::SqlSession& s, const ModelVisitor& visit) {
  for (const auto& r : s.query("SELECT id FROM networks")) {
    if (auto network = load_network(s, r.text(0))) {
      visit.network(*network);
    }
  }
  for (const auto& r : s.query("SELECT id FROM subnets")) {
    if (auto subnet = load_subnet(s, r.text(0))) {
      visit.subnet(*subnet);
    }
  }
  for (const auto& r : s.query("SELECT id FROM securitygroups")) {
    if (auto group = load_security_group(s, r.text(0))) {
      visit.group(*group);
    }
  }
  // All of them: a rule created later may name any.
  for (const auto& r : s.query("SELECT id FROM address_groups")) {
    if (auto group = load_address_group(s, r.text(0))) {
      visit.address_group(*group);
    }
  }
  for (const auto& r : s.query("SELECT DISTINCT host FROM agents")) {
    visit.agent(r.text(0), load_tunnel_ip(s, r.text(0)));
  }
  std::map<std::string, PortRecord> ports;
  for (const auto& r : s.query(kPortColumns)) {
    ports.emplace(r.text(0), port_from_row(r));
  }
  for (const auto& r : s.query(
           "SELECT port_id, subnet_id, ip_address FROM ipallocations ORDER BY port_id, subnet_id, "
           "ip_address")) {
    if (const auto it = ports.find(r.text(0)); it != ports.end()) {
      it->second.port.fixed_ips.push_back({r.text(1), r.text(2)});
    }
  }
  for (const auto& r : s.query("SELECT port_id, security_group_id FROM securitygroupportbindings "
                               "ORDER BY port_id, security_group_id")) {
    if (const auto it = ports.find(r.text(0)); it != ports.end()) {
      it->second.port.security_groups.push_back(r.text(1));
    }
  }
  load_port_options(s, std::nullopt, [&](const std::string& id) {
    const auto it = ports.find(id);
    return it == ports.end() ? nullptr : &it->second.port;
  });
  for (const auto& [id, record] : ports) {
    visit.port(record);
  }
  for (const auto& r : s.query("SELECT id FROM instances")) {
    if (auto instance = load_instance(s, r.text(0))) {
      visit.instance(*instance);
    }
  }
}

}  // namespace neutrino::fanout
