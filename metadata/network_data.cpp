#include "metadata/network_data.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace neutrino::metadata {
namespace {

// Nova names a port's tap device "tap" + the port id, cut to IFNAMSIZ - 2 characters.
constexpr size_t kDeviceNameLength = 14;

// VIF types Nova shows as themselves; any other link is a "phy".
bool exposed_vif_type(std::string_view type) {
  static constexpr std::array<std::string_view, 8> kTypes = {"bridge", "dvs", "hw_veb",    "hyperv",
                                                             "ovs",    "tap", "vhostuser", "vif"};
  return std::find(kTypes.begin(), kTypes.end(), type) != kTypes.end();
}

const MetadataSubnet* first_of_version(const MetadataVif& vif, int version) {
  for (const auto& subnet : vif.subnets) {
    if (subnet.ip_version == version) {
      return &subnet;
    }
  }
  return nullptr;
}

Json dns_services(const MetadataSubnet& subnet) {
  Json services = Json::array();
  for (const auto& address : subnet.dns) {
    services.push_back({{"type", "dns"}, {"address", address}});
  }
  return services;
}

Json link_of(const MetadataVif& vif) {
  // With a DHCP server on the link the guest takes the MTU from DHCP (option 26); a static
  // value here would override it.
  bool dhcp_served = false;
  for (const auto& subnet : vif.subnets) {
    dhcp_served = dhcp_served || subnet.dhcp_server.has_value();
  }
  return {{"id", ("tap" + vif.port_id).substr(0, kDeviceNameLength)},
          {"vif_id", vif.port_id},
          {"type", exposed_vif_type(vif.vif_type) ? vif.vif_type : "phy"},
          {"mtu", dhcp_served ? Json(nullptr) : Json(vif.mtu)},
          {"ethernet_mac_address", vif.mac_address}};
}

Json network_of(const MetadataVif& vif, const MetadataSubnet& subnet, int number,
                const std::string& link) {
  const std::string id = "network" + std::to_string(number);
  const std::string version = "ipv" + std::to_string(subnet.ip_version);
  if (subnet.dhcp_server || subnet.enable_dhcp) {
    return {
        {"id", id}, {"type", version + "_dhcp"}, {"link", link}, {"network_id", vif.network_id}};
  }
  Json routes = Json::array();
  if (subnet.gateway && !subnet.gateway->empty()) {
    const std::string any = subnet.ip_version == 4 ? "0.0.0.0" : "::";
    routes.push_back({{"network", any}, {"netmask", any}, {"gateway", *subnet.gateway}});
  }
  for (const auto& route : subnet.routes) {
    routes.push_back(
        {{"network", route.network}, {"netmask", route.netmask}, {"gateway", route.gateway}});
  }
  return {{"id", id},
          {"type", version},
          {"link", link},
          {"ip_address", subnet.ip_address},
          {"netmask", subnet.netmask},
          {"routes", routes},
          {"network_id", vif.network_id},
          {"services", dns_services(subnet)}};
}

}  // namespace

Json network_data_json(const InstanceMetadata& instance) {
  if (instance.vifs.empty()) {
    return Json::object();  // Nova's answer for an instance without network info
  }
  Json links = Json::array();
  Json networks = Json::array();
  Json services = Json::array();
  int network_number = 0;
  for (const auto& vif : instance.vifs) {
    if (vif.subnets.empty()) {
      continue;  // a port without addresses gives the guest nothing to configure
    }
    const Json link = link_of(vif);
    links.push_back(link);
    for (const int version : {4, 6}) {
      const MetadataSubnet* subnet = first_of_version(vif, version);
      if (subnet == nullptr) {
        continue;
      }
      networks.push_back(network_of(vif, *subnet, network_number++, link["id"]));
      for (const auto& service : dns_services(*subnet)) {
        if (std::find(services.begin(), services.end(), service) == services.end()) {
          services.push_back(service);
        }
      }
    }
  }
  return {{"links", links}, {"networks", networks}, {"services", services}};
}

}  // namespace neutrino::metadata
