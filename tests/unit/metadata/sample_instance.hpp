#pragma once
// An instance with one port on a DHCP-less subnet, to render documents from.
#include "metadata/instance_metadata.hpp"

namespace neutrino::metadata::testing {

inline InstanceMetadata sample_instance() {
  InstanceMetadata md;
  md.uuid = "6f0e2b8e-2a4c-4c55-9e7e-0d4f3f1c8a01";
  md.ec2_id = 10;
  md.reservation_id = "r-abcd1234";
  md.name = "web 1";
  md.hostname = "web-1.novalocal";
  md.project_id = "project-a";
  md.key_name = "mykey";
  md.public_key = "ssh-ed25519 AAAAC3Nza test@host";
  md.user_data = "#!/bin/sh\necho hi\n";
  md.availability_zone = "az1";
  md.launch_index = 2;
  md.flavor_name = "m1.tiny";
  md.meta = {{"role", "web"}};
  md.security_groups = {"default", "web"};
  MetadataVif vif;
  vif.port_id = "1a81968a-79c2-4bb3-9c56-6f1f3b2e0c11";
  vif.mac_address = "fa:16:3e:12:34:56";
  vif.network_id = "net-1";
  vif.vif_type = "ovs";
  vif.mtu = 1450;
  MetadataSubnet subnet;
  subnet.ip_address = "10.0.0.5";
  subnet.netmask = "255.255.255.0";
  subnet.gateway = "10.0.0.1";
  subnet.routes = {{"10.1.0.0", "255.255.0.0", "10.0.0.254"}};
  subnet.dns = {"10.0.0.2", "8.8.8.8"};
  vif.subnets.push_back(subnet);
  md.vifs.push_back(vif);
  md.requester_address = "10.0.0.5";
  md.random_seed = "c2VlZA==";
  return md;
}

}  // namespace neutrino::metadata::testing
