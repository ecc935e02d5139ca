#include "metadata/openstack_metadata.hpp"

#include <gtest/gtest.h>

#include "metadata/metadata_lookup.hpp"
#include "metadata/network_data.hpp"
#include "sample_instance.hpp"

namespace neutrino::metadata {
namespace {

using testing::sample_instance;

MetadataDocument get(const std::string& path, const InstanceMetadata& md = sample_instance()) {
  const auto doc = lookup_metadata(path, md);
  EXPECT_TRUE(doc.has_value()) << path;
  return doc.value_or(MetadataDocument{"<404>", ""});
}

Json json(const std::string& path, const InstanceMetadata& md = sample_instance()) {
  const MetadataDocument doc = get(path, md);
  EXPECT_EQ(doc.content_type, "application/json") << path;
  return Json::parse(doc.body);
}

TEST(OpenstackMetadata, ListsVersionsAndEachVersionsFiles) {
  EXPECT_EQ(get("/openstack").body,
            "2012-08-10\n2013-04-04\n2013-10-17\n2015-10-15\n2016-06-30\n2016-10-06\n"
            "2017-02-22\n2018-08-27\n2020-10-14\n2025-04-04\nlatest");
  EXPECT_EQ(get("/openstack/latest/").body,
            "meta_data.json\nuser_data\npassword\nvendor_data.json\nnetwork_data.json\n"
            "vendor_data2.json");
  EXPECT_EQ(get("/openstack/2012-08-10").body, "meta_data.json\nuser_data");
  auto md = sample_instance();
  md.user_data.reset();
  EXPECT_EQ(get("/openstack/2013-04-04", md).body, "meta_data.json\npassword");
}

TEST(OpenstackMetadata, MetaDataJsonHasNovasKeys) {
  const Json md = json("/openstack/latest/meta_data.json");
  EXPECT_EQ(md["uuid"], "6f0e2b8e-2a4c-4c55-9e7e-0d4f3f1c8a01");
  EXPECT_EQ(md["name"], "web 1");
  EXPECT_EQ(md["hostname"], "web-1.novalocal");
  EXPECT_EQ(md["project_id"], "project-a");
  EXPECT_EQ(md["availability_zone"], "az1");
  EXPECT_EQ(md["launch_index"], 2);
  EXPECT_EQ(md["public_keys"], (Json{{"mykey", "ssh-ed25519 AAAAC3Nza test@host"}}));
  EXPECT_EQ(
      md["keys"],
      (Json::array(
          {{{"name", "mykey"}, {"type", "ssh"}, {"data", "ssh-ed25519 AAAAC3Nza test@host"}}})));
  EXPECT_EQ(md["meta"], (Json{{"role", "web"}}));
  EXPECT_EQ(md["devices"], Json::array());
  EXPECT_EQ(md["dedicated_cpus"], Json::array());
  EXPECT_EQ(md["random_seed"], "c2VlZA==");
}

TEST(OpenstackMetadata, OlderVersionsLackLaterKeys) {
  const Json folsom = json("/openstack/2012-08-10/meta_data.json");
  for (const char* key : {"random_seed", "project_id", "devices", "dedicated_cpus"}) {
    EXPECT_FALSE(folsom.contains(key)) << key;
  }
  const Json liberty = json("/openstack/2015-10-15/meta_data.json");
  EXPECT_TRUE(liberty.contains("project_id"));
  EXPECT_FALSE(liberty.contains("devices"));
}

TEST(OpenstackMetadata, WithoutKeyPairThereAreNoKeys) {
  auto md = sample_instance();
  md.key_name.reset();
  const Json doc = json("/openstack/latest/meta_data.json", md);
  EXPECT_FALSE(doc.contains("public_keys"));
  EXPECT_FALSE(doc.contains("keys"));
}

TEST(OpenstackMetadata, OtherFiles) {
  EXPECT_EQ(get("/openstack/latest/user_data").body, "#!/bin/sh\necho hi\n");
  EXPECT_EQ(get("/openstack/latest/password").body, "");
  EXPECT_EQ(json("/openstack/latest/vendor_data.json"), Json::object());
  EXPECT_EQ(json("/openstack/latest/vendor_data2.json"), (Json{{"static", Json::object()}}));
  auto md = sample_instance();
  md.user_data.reset();
  EXPECT_FALSE(lookup_metadata("/openstack/latest/user_data", md));
  EXPECT_FALSE(lookup_metadata("/openstack/2012-08-10/password", md));
  EXPECT_FALSE(lookup_metadata("/openstack/latest/nothing.json", md));
  EXPECT_FALSE(lookup_metadata("/openstack/2011-01-01/meta_data.json", md));
  EXPECT_FALSE(lookup_metadata("/openstack/latest/meta_data.json/x", md));
}

TEST(NetworkData, StaticSubnetGivesAddressRoutesAndDns) {
  const Json nd = json("/openstack/latest/network_data.json");
  EXPECT_EQ(nd["links"], (Json::array({{{"id", "tap1a81968a-79"},
                                        {"vif_id", "1a81968a-79c2-4bb3-9c56-6f1f3b2e0c11"},
                                        {"type", "ovs"},
                                        {"mtu", 1450},
                                        {"ethernet_mac_address", "fa:16:3e:12:34:56"}}})));
  const Json dns = Json::array(
      {{{"type", "dns"}, {"address", "10.0.0.2"}}, {{"type", "dns"}, {"address", "8.8.8.8"}}});
  EXPECT_EQ(
      nd["networks"],
      (Json::array(
          {{{"id", "network0"},
            {"type", "ipv4"},
            {"link", "tap1a81968a-79"},
            {"ip_address", "10.0.0.5"},
            {"netmask", "255.255.255.0"},
            {"routes",
             Json::array({{{"network", "0.0.0.0"}, {"netmask", "0.0.0.0"}, {"gateway", "10.0.0.1"}},
                          {{"network", "10.1.0.0"},
                           {"netmask", "255.255.0.0"},
                           {"gateway", "10.0.0.254"}}})},
            {"network_id", "net-1"},
            {"services", dns}}})));
  EXPECT_EQ(nd["services"], dns);
}

TEST(NetworkData, DhcpSubnetIsLeftToDhcp) {
  auto md = sample_instance();
  md.vifs[0].subnets[0].enable_dhcp = true;
  Json nd = network_data_json(md);
  EXPECT_EQ(nd["networks"][0], (Json{{"id", "network0"},
                                     {"type", "ipv4_dhcp"},
                                     {"link", "tap1a81968a-79"},
                                     {"network_id", "net-1"}}));
  EXPECT_EQ(nd["links"][0]["mtu"], 1450);
  EXPECT_EQ(nd["services"].size(), 2u);  // DNS servers are still announced
  // With a DHCP port serving the subnet, the MTU comes from DHCP too.
  md.vifs[0].subnets[0].dhcp_server = "10.0.0.3";
  nd = network_data_json(md);
  EXPECT_TRUE(nd["links"][0]["mtu"].is_null());
}

TEST(NetworkData, LinksNetworksAndServicesAcrossPorts) {
  auto md = sample_instance();
  MetadataVif second = md.vifs[0];
  second.port_id = "99999999-0000-0000-0000-000000000000";
  second.vif_type = "binding_failed";
  second.network_id = "net-2";
  second.subnets[0].gateway.reset();
  second.subnets[0].routes.clear();
  second.subnets[0].dns = {"8.8.8.8", "1.1.1.1"};
  MetadataSubnet v6;
  v6.ip_version = 6;
  v6.ip_address = "fd00::5";
  v6.netmask = "ffff:ffff:ffff:ffff::";
  v6.gateway = "fd00::1";
  second.subnets.push_back(v6);
  MetadataVif bare = md.vifs[0];
  bare.subnets.clear();
  md.vifs.push_back(bare);  // no addresses: no link
  md.vifs.push_back(second);
  const Json nd = network_data_json(md);
  ASSERT_EQ(nd["links"].size(), 2u);
  EXPECT_EQ(nd["links"][1]["type"], "phy");
  ASSERT_EQ(nd["networks"].size(), 3u);
  EXPECT_EQ(nd["networks"][1]["id"], "network1");
  EXPECT_EQ(nd["networks"][1]["routes"], Json::array());
  EXPECT_EQ(nd["networks"][2]["type"], "ipv6");
  EXPECT_EQ(nd["networks"][2]["routes"][0],
            (Json{{"network", "::"}, {"netmask", "::"}, {"gateway", "fd00::1"}}));
  EXPECT_EQ(nd["services"], (Json::array({{{"type", "dns"}, {"address", "10.0.0.2"}},
                                          {{"type", "dns"}, {"address", "8.8.8.8"}},
                                          {{"type", "dns"}, {"address", "1.1.1.1"}}})));
}

TEST(NetworkData, NoPortsIsAnEmptyObject) {
  auto md = sample_instance();
  md.vifs.clear();
  EXPECT_EQ(network_data_json(md), Json::object());
}

}  // namespace
}  // namespace neutrino::metadata
