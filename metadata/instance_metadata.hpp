#pragma once
// What the metadata documents are rendered from: one instance, its ports as Nova's network_info
// describes them, and what the request says about the guest. Plain data filled by the
// controller from its store, so the renderers stay pure and testable without one.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace neutrino::metadata {

struct MetadataRoute {
  std::string network;  // "10.1.0.0"
  std::string netmask;  // "255.255.0.0"
  std::string gateway;
};

// One fixed IP of a port, with the subnet it belongs to.
struct MetadataSubnet {
  int ip_version = 4;
  std::string ip_address;
  std::string netmask;                 // dotted for IPv4, the mask as an address for IPv6
  std::optional<std::string> gateway;  // the subnet's gateway_ip
  bool enable_dhcp = false;
  std::optional<std::string> dhcp_server;  // address of a network:dhcp port on the subnet
  std::vector<MetadataRoute> routes;       // the subnet's host routes
  std::vector<std::string> dns;            // dns_nameservers, in their order
};

// One port whose device_id is the instance.
struct MetadataVif {
  std::string port_id;
  std::string mac_address;
  std::string network_id;
  std::string vif_type;                 // binding:vif_type: "ovs", "unbound", "binding_failed", ...
  int64_t mtu = 1500;                   // the network's MTU
  std::vector<MetadataSubnet> subnets;  // one per fixed IP, in the port's order
};

struct InstanceMetadata {
  std::string uuid;
  int64_t ec2_id = 0;  // the number behind the EC2 id "i-0000000a"
  std::string reservation_id;
  std::string name;
  std::string hostname;  // what the guest calls itself, DHCP domain already appended
  std::string project_id;
  std::optional<std::string> key_name;  // the key pair, when the instance has one
  std::string public_key;
  std::string key_type = "ssh";
  std::optional<std::string> user_data;  // decoded bytes, when the instance has any
  std::string availability_zone = "nova";
  int64_t launch_index = 0;
  std::string flavor_name;
  std::map<std::string, std::string> meta;   // the instance's metadata key/value pairs
  std::vector<std::string> security_groups;  // names
  std::vector<MetadataVif> vifs;

  // Set per request.
  std::string requester_address;  // the guest's address, from X-Forwarded-For
  std::string random_seed;        // base64 of fresh random bytes for meta_data.json
};

}  // namespace neutrino::metadata
