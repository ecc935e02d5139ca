#include "controller/metadata/vif_loader.hpp"

#include <map>

#include "controller/ipam/cidr.hpp"

namespace neutrino::metadata {
namespace {

// The scope every query shares: the instance's own ports.
constexpr const char* kPorts = " FROM ports p WHERE p.device_id = ? AND p.project_id = ?";

std::string netmask_of(const std::string& cidr) {
  const auto block = ipam::Cidr::parse_masked(cidr);
  return block ? block->netmask().to_string() : "";
}

struct SubnetExtras {
  std::vector<std::string> dns;
  std::vector<MetadataRoute> routes;
};

std::map<std::string, SubnetExtras> load_extras(store::SqlSession& s, const std::string& instance,
                                                const std::string& project) {
  const std::string subnets =
      "SELECT a.subnet_id FROM ipallocations a WHERE a.port_id IN "
      "(SELECT p.id" +
      std::string(kPorts) + ")";
  std::map<std::string, SubnetExtras> extras;
  for (const auto& r :
       s.query("SELECT d.subnet_id, d.address FROM dnsnameservers d WHERE d.subnet_id IN (" +
                   subnets + ") ORDER BY d.subnet_id, d.\"order\"",
               {instance, project})) {
    extras[r.text(0)].dns.push_back(r.text(1));
  }
  for (const auto& r : s.query("SELECT r.subnet_id, r.destination, r.nexthop FROM subnetroutes r "
                               "WHERE r.subnet_id IN (" +
                                   subnets + ") ORDER BY r.subnet_id, r.destination, r.nexthop",
                               {instance, project})) {
    const auto block = ipam::Cidr::parse_masked(r.text(1));
    if (block) {
      extras[r.text(0)].routes.push_back(
          {block->network().to_string(), block->netmask().to_string(), r.text(2)});
    }
  }
  return extras;
}

}  // namespace

std::vector<MetadataVif> load_vifs(store::SqlSession& s, const std::string& instance_id,
                                   const std::string& project_id) {
  std::vector<MetadataVif> vifs;
  std::map<std::string, size_t> index;
  for (const auto& r :
       s.query("SELECT p.id, p.mac_address, p.network_id, COALESCE(b.vif_type, 'unbound'), n.mtu "
               "FROM ports p JOIN networks n ON n.id = p.network_id "
               "LEFT JOIN ml2_port_bindings b ON b.port_id = p.id "
               "WHERE p.device_id = ? AND p.project_id = ? ORDER BY p.created_at, p.id",
               {instance_id, project_id})) {
    index[r.text(0)] = vifs.size();
    vifs.push_back({r.text(0), r.text(1), r.text(2), r.text(3), r.integer(4), {}});
  }
  if (vifs.empty()) {
    return vifs;
  }
  const auto extras = load_extras(s, instance_id, project_id);
  // dhcp_server: the address a network:dhcp port holds on the subnet, as Nova looks it up.
  for (const auto& r :
       s.query("SELECT a.port_id, a.ip_address, sn.id, sn.ip_version, sn.cidr, sn.gateway_ip, "
               "sn.enable_dhcp, (SELECT MIN(d.ip_address) FROM ipallocations d JOIN ports dp ON "
               "dp.id = d.port_id WHERE d.subnet_id = sn.id AND dp.device_owner = 'network:dhcp') "
               "FROM ipallocations a JOIN subnets sn ON sn.id = a.subnet_id WHERE a.port_id IN "
               "(SELECT p.id" +
                   std::string(kPorts) + ") ORDER BY a.port_id, a.position",
               {instance_id, project_id})) {
    MetadataSubnet subnet;
    subnet.ip_address = r.text(1);
    subnet.ip_version = static_cast<int>(r.integer(3));
    subnet.netmask = netmask_of(r.text(4));
    subnet.gateway = r.optional_text(5);
    subnet.enable_dhcp = r.boolean(6);
    subnet.dhcp_server = r.optional_text(7);
    if (const auto it = extras.find(r.text(2)); it != extras.end()) {
      subnet.dns = it->second.dns;
      subnet.routes = it->second.routes;
    }
    vifs[index.at(r.text(0))].subnets.push_back(std::move(subnet));
  }
  return vifs;
}

}  // namespace neutrino::metadata
