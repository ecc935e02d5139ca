#include "controller/metadata/metadata_service.hpp"

#include <gtest/gtest.h>

#include "common/channel/hmac_signer.hpp"
#include "controller/metadata/instance_input.hpp"
#include "controller/metadata/instance_store.hpp"
#include "controller/metadata/vif_loader.hpp"
#include "tests/unit/controller/neutron/service_fixture.hpp"

namespace neutrino::metadata {
namespace {

const std::string kSecret = "metadata-secret";

class MetadataServiceTest : public neutron::testing::ServiceFixture {
 protected:
  void SetUp() override {
    ServiceFixture::SetUp();
    service_ = std::make_unique<MetadataService>(db(), kSecret, "novalocal");
    const Json net = create_network(alice_, {{"name", "n1"}});
    network_id_ = net["id"];
    subnet_id_ = create_subnet(
        alice_,
        {{"network_id", network_id_},
         {"ip_version", 4},
         {"cidr", "10.0.0.0/24"},
         {"enable_dhcp", false},
         {"dns_nameservers", {"10.0.0.2"}},
         {"host_routes", {{{"destination", "10.9.0.0/16"}, {"nexthop", "10.0.0.254"}}}}})["id"];
    instance_ = add_instance(alice_, "vm-one");
    port_ = create_port(alice_, {{"network_id", network_id_}, {"device_id", instance_.id}});
  }

  InstanceRecord add_instance(const identity::AuthContext& owner, const std::string& name) {
    InstanceRecord record = parse_new_instance({{"instance",
                                                 {{"name", name},
                                                  {"project_id", owner.project_id},
                                                  {"key_name", "key-" + name},
                                                  {"public_key", "ssh-ed25519 AAAA " + name},
                                                  {"user_data", "aGVsbG8="}}}},
                                               admin_);
    return db().write([&](store::SqlSession& s) { return InstanceStore::create(s, record); });
  }

  http::Response get(const std::string& path, const std::string& instance,
                     const std::string& tenant, const std::string& method = "GET") {
    http::Request r;
    r.method = method;
    r.path = r.target = path;
    r.headers["x-instance-id"] = instance;
    r.headers["x-instance-id-signature"] = channel::HmacSigner(kSecret).sign(instance);
    r.headers["x-tenant-id"] = tenant;
    r.headers["x-forwarded-for"] = port_["fixed_ips"][0]["ip_address"];
    return service_->handle(r);
  }
  http::Response get(const std::string& path) {
    return get(path, instance_.id, instance_.project_id);
  }

  std::unique_ptr<MetadataService> service_;
  std::string network_id_;
  std::string subnet_id_;
  InstanceRecord instance_;
  Json port_;
};

TEST_F(MetadataServiceTest, ServesTheSignedInstancesDocuments) {
  EXPECT_EQ(get("/latest/meta-data/instance-id").body, "i-00000001");
  EXPECT_EQ(get("/latest/meta-data/hostname").body, "vm-one.novalocal");
  EXPECT_EQ(get("/latest/meta-data/local-ipv4").body, port_["fixed_ips"][0]["ip_address"]);
  EXPECT_EQ(get("/latest/meta-data/public-keys/0/openssh-key").body, "ssh-ed25519 AAAA vm-one");
  EXPECT_EQ(get("/latest/user-data").body, "hello");
  const http::Response md = get("/openstack/latest/meta_data.json");
  EXPECT_EQ(md.status, 200);
  EXPECT_EQ(md.content_type, "application/json");
  const Json meta = Json::parse(md.body);
  EXPECT_EQ(meta["uuid"], instance_.id);
  EXPECT_EQ(meta["project_id"], "alice-project");
  EXPECT_GT(meta["random_seed"].get<std::string>().size(), 600u);
  const Json nd = Json::parse(get("/openstack/latest/network_data.json").body);
  EXPECT_EQ(nd["links"][0]["vif_id"], port_["id"]);
  EXPECT_EQ(nd["links"][0]["ethernet_mac_address"], port_["mac_address"]);
  EXPECT_EQ(nd["links"][0]["mtu"], 1450);  // VXLAN network
  EXPECT_EQ(nd["networks"][0]["type"], "ipv4");
  EXPECT_EQ(nd["networks"][0]["ip_address"], port_["fixed_ips"][0]["ip_address"]);
  EXPECT_EQ(nd["networks"][0]["netmask"], "255.255.255.0");
  EXPECT_EQ(nd["networks"][0]["routes"][0]["gateway"], "10.0.0.1");
  EXPECT_EQ(nd["networks"][0]["routes"][1],
            (Json{{"network", "10.9.0.0"}, {"netmask", "255.255.0.0"}, {"gateway", "10.0.0.254"}}));
  EXPECT_EQ(nd["services"], (Json::array({{{"type", "dns"}, {"address", "10.0.0.2"}}})));
}

TEST_F(MetadataServiceTest, RefusesWhatItCannotTrust) {
  EXPECT_EQ(get("/latest/meta-data/", instance_.id, "bob-project").status, 403);
  EXPECT_EQ(
      get("/latest/meta-data/", "00000000-0000-0000-0000-000000000000", "alice-project").status,
      404);
  http::Request forged;
  forged.method = "GET";
  forged.path = forged.target = "/latest/meta-data/";
  forged.headers["x-instance-id"] = instance_.id;
  forged.headers["x-instance-id-signature"] = channel::HmacSigner("guess").sign(instance_.id);
  forged.headers["x-tenant-id"] = instance_.project_id;
  const http::Response refused = service_->handle(forged);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.body, "403 Forbidden\n\nInvalid proxy request signature.\n");
  EXPECT_EQ(get("/latest/meta-data/nothing").status, 404);
  EXPECT_EQ(get("/latest/meta-data/", instance_.id, instance_.project_id, "POST").status, 405);
}

TEST_F(MetadataServiceTest, RootNeedsNoSignature) {
  http::Request r;
  r.method = "GET";
  r.path = r.target = "/";
  const http::Response root = service_->handle(r);
  EXPECT_EQ(root.status, 200);
  EXPECT_EQ(root.body.substr(root.body.size() - 17), "2009-04-04\nlatest");
}

TEST_F(MetadataServiceTest, EachInstanceSeesOnlyItsOwnData) {
  const InstanceRecord two = add_instance(alice_, "vm-two");
  EXPECT_EQ(get("/latest/meta-data/hostname", two.id, two.project_id).body, "vm-two.novalocal");
  EXPECT_EQ(get("/latest/meta-data/instance-id", two.id, two.project_id).body, "i-00000002");
  // vm-two has no port: no network data, and local-ipv4 falls back to the proxy's address.
  EXPECT_EQ(get("/openstack/latest/network_data.json", two.id, two.project_id).body, "{}");
}

TEST_F(MetadataServiceTest, PortsOfOtherProjectsDoNotJoinAnInstance) {
  // Bob points a port of his at Alice's instance; it must not appear in her documents.
  const Json bob_net = create_network(bob_, {{"name", "bob"}});
  create_subnet(bob_, {{"network_id", bob_net["id"]}, {"ip_version", 4}, {"cidr", "10.5.0.0/24"}});
  create_port(bob_, {{"network_id", bob_net["id"]}, {"device_id", instance_.id}});
  const auto vifs = db().read(
      [&](store::SqlSession& s) { return load_vifs(s, instance_.id, instance_.project_id); });
  ASSERT_EQ(vifs.size(), 1u);
  EXPECT_EQ(vifs[0].port_id, port_["id"]);
}

TEST_F(MetadataServiceTest, DhcpSubnetsAreAnnouncedAsDhcp) {
  const Json net = create_network(alice_, {{"name", "dhcp-net"}});
  create_subnet(alice_, {{"network_id", net["id"]}, {"ip_version", 4}, {"cidr", "10.7.0.0/24"}});
  const InstanceRecord vm = add_instance(alice_, "vm-dhcp");
  create_port(alice_, {{"network_id", net["id"]}, {"device_id", vm.id}});
  Json nd = Json::parse(get("/openstack/latest/network_data.json", vm.id, vm.project_id).body);
  EXPECT_EQ(nd["networks"][0]["type"], "ipv4_dhcp");
  EXPECT_EQ(nd["links"][0]["mtu"], 1450);
  create_port(admin_, {{"network_id", net["id"]},
                       {"project_id", "alice-project"},
                       {"device_owner", "network:dhcp"},
                       {"device_id", "dhcp-host1"}});
  nd = Json::parse(get("/openstack/latest/network_data.json", vm.id, vm.project_id).body);
  EXPECT_TRUE(nd["links"][0]["mtu"].is_null());  // DHCP tells the guest its MTU
}

TEST_F(MetadataServiceTest, Ec2IdsAreNeverReused) {
  const InstanceRecord two = add_instance(alice_, "vm-two");
  db().write([&](store::SqlSession& s) { InstanceStore::remove(s, two.id); });
  const InstanceRecord three = add_instance(alice_, "vm-three");
  EXPECT_EQ(three.ec2_id, 3);
  // The same UUID registered again keeps its number.
  InstanceRecord again = two;
  const InstanceRecord back =
      db().write([&](store::SqlSession& s) { return InstanceStore::create(s, again); });
  EXPECT_EQ(back.ec2_id, 2);
}

}  // namespace
}  // namespace neutrino::metadata
