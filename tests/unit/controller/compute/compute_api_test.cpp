// The compute API through the controller's dispatcher: discovery, microversions, Nova's
// fault format, flavors, key pairs and limits.
#include "tests/unit/controller/compute/compute_fixture.hpp"

namespace neutrino::compute {
namespace {

constexpr const char* kKey =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHH0iIkeZG4vD7hCJfjL9qfaB4MV7JGY4H0QaFkmuChI "
    "test@neutrino";

using ComputeApiTest = testing::ComputeFixture;

TEST_F(ComputeApiTest, VersionDocumentsAndHeaders) {
  const auto root = call("GET", "/compute", nullptr, "");
  EXPECT_EQ(root.status, 200);
  EXPECT_EQ(root.body["versions"][0]["id"], "v2.1");
  const auto v21 = call("GET", "/compute/v2.1/", nullptr, "");
  EXPECT_EQ(v21.body["version"]["min_version"], "2.1");
  EXPECT_EQ(v21.body["version"]["version"], "2.79");
  auto flavors = nova("GET", "/flavors", nullptr, "2.61");
  EXPECT_EQ(flavors.headers["OpenStack-API-Version"], "compute 2.61");
  EXPECT_EQ(flavors.headers["X-OpenStack-Nova-API-Version"], "2.61");
  auto legacy = call("GET", "/compute/v2.1/flavors", nullptr, admin_,
                     {{"x-openstack-nova-api-version", "2.10"}});
  EXPECT_EQ(legacy.headers["X-OpenStack-Nova-API-Version"], "2.10");
}

TEST_F(ComputeApiTest, RefusalsUseNovasFaultShape) {
  const auto unsupported = nova("GET", "/flavors", nullptr, "2.99");
  EXPECT_EQ(unsupported.status, 406);
  EXPECT_EQ(unsupported.body["computeFault"]["message"],
            "Version 2.99 is not supported by the API. Minimum is 2.1 and maximum is 2.79.");
  const auto missing = nova("GET", "/flavors/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(
      missing.body,
      (Json{{"itemNotFound", {{"code", 404}, {"message", "Flavor nope could not be found."}}}}));
  EXPECT_EQ(nova("GET", "/no-such-thing").body["itemNotFound"]["code"], 404);
  const auto bad = nova("POST", "/flavors", "{not json");
  EXPECT_EQ(bad.body["badRequest"]["code"], 400);
  const auto anonymous = call("GET", "/compute/v2.1/flavors", nullptr, "");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(anonymous.body["error"]["code"], 401);  // keystonemiddleware's shape
}

TEST_F(ComputeApiTest, DefaultFlavorsAndTheirShapesPerMicroversion) {
  const auto list = nova("GET", "/flavors/detail");
  std::map<std::string, Json> by_name;
  for (const auto& f : list.body["flavors"]) {
    by_name[f["name"]] = f;
  }
  ASSERT_TRUE(by_name.contains("m1.nano"));
  EXPECT_EQ(by_name["m1.nano"]["ram"], 128);
  EXPECT_EQ(by_name["m1.nano"]["vcpus"], 1);
  EXPECT_EQ(by_name["m1.nano"]["disk"], 1);
  EXPECT_EQ(by_name["m1.micro"]["ram"], 192);
  EXPECT_EQ(by_name["m1.tiny"]["ram"], 512);
  EXPECT_EQ(by_name["m1.small"]["disk"], 20);
  EXPECT_EQ(by_name["m1.nano"]["swap"], "");
  EXPECT_FALSE(by_name["m1.nano"].contains("description"));
  const auto at_275 = nova("GET", "/flavors/42", nullptr, "2.75").body["flavor"];
  EXPECT_EQ(at_275["swap"], 0);
  EXPECT_EQ(at_275["description"], nullptr);
  EXPECT_EQ(at_275["extra_specs"], Json::object());
  EXPECT_EQ(at_275["links"][0]["href"].get<std::string>().find("/compute/v2.1/flavors/42") !=
                std::string::npos,
            true);
}

TEST_F(ComputeApiTest, FlavorManagementIsForAdmins) {
  const Json nano = {
      {"flavor", {{"name", "t.nano"}, {"id", "0"}, {"ram", 64}, {"vcpus", 1}, {"disk", 1}}}};
  const auto denied = nova("POST", "/flavors", nano, "", false);
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(denied.body["forbidden"]["message"],
            "Policy doesn't allow os_compute_api:os-flavor-manage:create to be performed.");
  const auto created = nova("POST", "/flavors", nano, "2.55");
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(created.body["flavor"]["id"], "0");
  EXPECT_EQ(nova("POST", "/flavors", nano).body["conflictingRequest"]["message"],
            "Flavor with name t.nano already exists.");
  Json same_id = nano;
  same_id["flavor"]["name"] = "other";
  EXPECT_EQ(nova("POST", "/flavors", same_id).body["conflictingRequest"]["message"],
            "Flavor with ID 0 already exists.");
  Json zero_ram = nano;
  zero_ram["flavor"]["ram"] = 0;
  zero_ram["flavor"]["name"] = "z";
  EXPECT_EQ(nova("POST", "/flavors", zero_ram).body["badRequest"]["message"],
            "Invalid input for field/attribute ram. Value: 0. 0 is less than the minimum of 1");
  EXPECT_EQ(nova("POST", "/flavors", {{"flavor", {{"ram", 1}}}}).status, 400);
  // Extra specs and description.
  EXPECT_EQ(nova("POST", "/flavors/0/os-extra_specs", {{"extra_specs", {{"hw:cpu", "1"}}}}).status,
            200);
  EXPECT_EQ(nova("GET", "/flavors/0", nullptr, "2.61").body["flavor"]["extra_specs"]["hw:cpu"],
            "1");
  EXPECT_EQ(nova("PUT", "/flavors/0", {{"flavor", {{"description", "tiny"}}}}, "2.55")
                .body["flavor"]["description"],
            "tiny");
  EXPECT_EQ(nova("DELETE", "/flavors/0").status, 202);
  EXPECT_EQ(nova("GET", "/flavors/0").status, 404);
}

TEST_F(ComputeApiTest, PrivateFlavorsNeedAccess) {
  const Json f = {{"flavor",
                   {{"name", "secret"},
                    {"id", "s1"},
                    {"ram", 64},
                    {"vcpus", 1},
                    {"disk", 1},
                    {"os-flavor-access:is_public", false}}}};
  ASSERT_EQ(nova("POST", "/flavors", f).status, 200);
  EXPECT_EQ(nova("GET", "/flavors/s1", nullptr, "", false).status, 404);
  const auto added =
      nova("POST", "/flavors/s1/action", {{"addTenantAccess", {{"tenant", project_id_}}}});
  EXPECT_EQ(added.body["flavor_access"][0]["tenant_id"], project_id_);
  EXPECT_EQ(nova("GET", "/flavors/s1", nullptr, "", false).status, 200);
  EXPECT_EQ(
      nova("POST", "/flavors/42/action", {{"addTenantAccess", {{"tenant", "x"}}}}, "2.7").status,
      409);
}

TEST_F(ComputeApiTest, FlavorListPagesWithNextLinks) {
  const auto page = nova("GET", "/flavors?limit=2");
  ASSERT_EQ(page.body["flavors"].size(), 2u);
  const std::string next = page.body["flavors_links"][0]["href"];
  EXPECT_NE(next.find("marker=" + page.body["flavors"][1]["id"].get<std::string>()),
            std::string::npos);
  EXPECT_EQ(nova("GET", "/flavors?marker=nope").body["badRequest"]["message"],
            "marker [nope] not found");
  EXPECT_EQ(nova("GET", "/flavors?limit=x").status, 400);
}

TEST_F(ComputeApiTest, KeyPairsImportGenerateAndStayPerUser) {
  const auto imported = nova("POST", "/os-keypairs",
                             {{"keypair", {{"name", "k1"}, {"public_key", kKey}}}}, "2.2", false);
  ASSERT_EQ(imported.status, 201) << imported.body;
  EXPECT_EQ(imported.body["keypair"]["fingerprint"],
            "7b:d0:dc:5a:62:ac:67:c2:87:dd:dc:c1:7b:5d:cd:f2");
  EXPECT_EQ(imported.body["keypair"]["type"], "ssh");
  EXPECT_FALSE(imported.body["keypair"].contains("private_key"));
  EXPECT_EQ(nova("POST", "/os-keypairs", {{"keypair", {{"name", "k1"}, {"public_key", kKey}}}},
                 "2.2", false)
                .body["conflictingRequest"]["message"],
            "Key pair 'k1' already exists.");
  EXPECT_EQ(nova("POST", "/os-keypairs",
                 {{"keypair", {{"name", "bad"}, {"public_key", "ssh-rsa garbage"}}}}, "", false)
                .body["badRequest"]["message"],
            "Keypair data is invalid: failed to generate fingerprint");
  EXPECT_EQ(nova("POST", "/os-keypairs", {{"keypair", {{"name", "a/b"}, {"public_key", kKey}}}}, "",
                 false)
                .body["badRequest"]["message"],
            "Keypair data is invalid: Keypair name contains unsafe characters");
  const auto generated = nova("POST", "/os-keypairs", {{"keypair", {{"name", "gen"}}}}, "", false);
  EXPECT_EQ(generated.status, 200);
  EXPECT_NE(generated.body["keypair"]["private_key"].get<std::string>().find("PRIVATE KEY"),
            std::string::npos);
  const auto mine = nova("GET", "/os-keypairs", nullptr, "", false);
  EXPECT_EQ(mine.body["keypairs"].size(), 2u);
  EXPECT_EQ(mine.body["keypairs"][1]["keypair"]["name"], "k1");
  EXPECT_TRUE(nova("GET", "/os-keypairs").body["keypairs"].empty());  // the admin has none
  const auto shown = nova("GET", "/os-keypairs/k1", nullptr, "2.2", false);
  EXPECT_EQ(shown.body["keypair"]["public_key"], kKey);
  EXPECT_EQ(shown.body["keypair"]["deleted"], false);
  EXPECT_EQ(nova("GET", "/os-keypairs/k1").status, 404);
  EXPECT_EQ(nova("DELETE", "/os-keypairs/k1", nullptr, "2.2", false).status, 204);
  EXPECT_EQ(nova("DELETE", "/os-keypairs/gen", nullptr, "", false).status, 202);
  EXPECT_EQ(count("SELECT COUNT(*) FROM key_pairs"), 0);
}

TEST_F(ComputeApiTest, LimitsShowNovasAbsoluteKeysPerMicroversion) {
  const auto old = nova("GET", "/limits", nullptr, "", false).body["limits"]["absolute"];
  EXPECT_EQ(old["maxTotalInstances"], 10);
  EXPECT_EQ(old["maxTotalCores"], 20);
  EXPECT_EQ(old["maxTotalRAMSize"], 51200);
  EXPECT_EQ(old["maxTotalKeypairs"], 100);
  EXPECT_EQ(old["totalInstancesUsed"], 0);
  EXPECT_TRUE(old.contains("maxSecurityGroups"));
  EXPECT_TRUE(old.contains("maxPersonality"));
  const auto now = nova("GET", "/limits", nullptr, "2.57", false).body["limits"]["absolute"];
  EXPECT_FALSE(now.contains("maxSecurityGroups"));
  EXPECT_FALSE(now.contains("maxImageMeta"));
  EXPECT_FALSE(now.contains("maxPersonality"));
  EXPECT_EQ(nova("GET", "/limits?tenant_id=other", nullptr, "", false).status, 403);
}

TEST_F(ComputeApiTest, ServicesHypervisorsAndZonesFromComputeHosts) {
  EXPECT_EQ(nova("GET", "/os-services", nullptr, "", false).status, 403);
  add_compute_host("compute1", 4, 8192, 100);
  const auto services = nova("GET", "/os-services").body["services"];
  ASSERT_EQ(services.size(), 1u);
  EXPECT_EQ(services[0]["binary"], "nova-compute");
  EXPECT_EQ(services[0]["state"], "up");
  EXPECT_EQ(services[0]["status"], "enabled");
  EXPECT_TRUE(services[0]["id"].is_number());
  const auto v253 = nova("GET", "/os-services", nullptr, "2.53").body["services"][0];
  EXPECT_TRUE(v253["id"].is_string());
  const auto disabled = nova("PUT", "/os-services/" + v253["id"].get<std::string>(),
                             {{"status", "disabled"}, {"disabled_reason", "maintenance"}}, "2.53");
  EXPECT_EQ(disabled.body["service"]["status"], "disabled");
  EXPECT_EQ(disabled.body["service"]["disabled_reason"], "maintenance");
  EXPECT_EQ(nova("PUT", "/os-services/enable", {{"host", "compute1"}, {"binary", "nova-compute"}})
                .body["service"]["status"],
            "enabled");
  const auto hypervisor = nova("GET", "/os-hypervisors/detail").body["hypervisors"][0];
  EXPECT_EQ(hypervisor["hypervisor_hostname"], "compute1");
  EXPECT_EQ(hypervisor["vcpus"], 4);
  EXPECT_EQ(hypervisor["memory_mb"], 8192);
  EXPECT_EQ(hypervisor["memory_mb_used"], 512);  // the reserved host memory
  EXPECT_EQ(hypervisor["hypervisor_type"], "QEMU");
  EXPECT_EQ(hypervisor["host_ip"], "192.0.2.10");
  EXPECT_EQ(hypervisor["cpu_info"], "{}");
  EXPECT_EQ(nova("GET", "/os-hypervisors/" + std::to_string(hypervisor["id"].get<int64_t>()))
                .body["hypervisor"]["running_vms"],
            0);
  EXPECT_EQ(nova("GET", "/os-hypervisors/compute/search").body["hypervisors"].size(), 1u);
  EXPECT_EQ(nova("GET", "/os-hypervisors/1/uptime").status, 501);
  EXPECT_EQ(
      nova("GET", "/os-hypervisors/detail", nullptr, "2.28").body["hypervisors"][0]["cpu_info"],
      Json::object());
  const auto zones = nova("GET", "/os-availability-zone", nullptr, "", false).body;
  EXPECT_EQ(zones["availabilityZoneInfo"][0]["zoneName"], "nova");
  EXPECT_EQ(zones["availabilityZoneInfo"][0]["zoneState"]["available"], true);
  EXPECT_EQ(nova("GET", "/os-availability-zone/detail")
                .body["availabilityZoneInfo"][0]["hosts"]["compute1"]["nova-compute"]["available"],
            true);
}

}  // namespace
}  // namespace neutrino::compute
