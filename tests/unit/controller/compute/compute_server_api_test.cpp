// Servers through the controller's dispatcher: scheduling, ports through the Neutron
// services, instance records, Nova's refusals that change nothing, actions and deletion as
// agent reports drive them.
#include "controller/compute/server_operations.hpp"
#include "tests/unit/controller/compute/compute_fixture.hpp"

namespace neutrino::compute {
namespace {

class ServerApiTest : public testing::ComputeFixture {
 protected:
  void SetUp() override {
    network_ =
        neutron("POST", "/v2.0/networks", {{"network", {{"name", "net1"}}}})["network"]["id"];
    subnet_ = neutron(
        "POST", "/v2.0/subnets",
        {{"subnet",
          {{"network_id", network_}, {"ip_version", 4}, {"cidr", "10.9.0.0/24"}}}})["subnet"]["id"];
    image_ = upload_image("raw", "bare", std::string(4096, 'd'));
  }

  Json neutron(const std::string& method, const std::string& path, const Json& body = nullptr) {
    const auto reply = call(method, path, body, member_);
    EXPECT_LT(reply.status, 300) << path << ": " << reply.body;
    return reply.body;
  }

  std::string upload_image(const std::string& disk, const std::string& container,
                           const std::string& data) {
    const auto created =
        call("POST", "/image/v2/images",
             {{"name", "img"}, {"disk_format", disk}, {"container_format", container}}, member_);
    const std::string id = created.body["id"];
    if (!data.empty()) {
      const auto put = call("PUT", "/image/v2/images/" + id + "/file", Json(data), member_,
                            {{"content-type", "application/octet-stream"}});
      EXPECT_EQ(put.status, 204) << put.body;
    }
    return id;
  }

  Json server_body(const std::string& name, Json extra = Json::object()) {
    Json server = {{"name", name},
                   {"imageRef", image_},
                   {"flavorRef", "42"},
                   {"networks", Json::array({{{"uuid", network_}}})}};
    for (const auto& [k, v] : extra.items()) {
      server[k] = v;
    }
    return {{"server", server}};
  }

  testing::Reply boot(const std::string& name, Json extra = Json::object()) {
    return nova("POST", "/servers", server_body(name, std::move(extra)), "", false);
  }

  Json show(const std::string& id, const std::string& version = "", bool as_admin = true) {
    return nova("GET", "/servers/" + id, nullptr, version, as_admin).body["server"];
  }

  void report(const std::string& host, const std::string& id, const std::string& power,
              const std::string& task) {
    app_->servers().apply_reports(
        host,
        Json::array({{{"id", id}, {"power_state", power}, {"task", task}, {"fault", nullptr}}}));
  }

  int64_t instances() { return count("SELECT COUNT(*) FROM instances"); }
  int64_t ports() { return count("SELECT COUNT(*) FROM ports"); }

  std::string network_;
  std::string subnet_;
  std::string image_;
};

TEST_F(ServerApiTest, WithoutComputeHostsAServerGoesToErrorWithNoValidHost) {
  const auto created = boot("vm1");
  ASSERT_EQ(created.status, 202) << created.body;
  const std::string id = created.body["server"]["id"];
  EXPECT_FALSE(created.body["server"]["adminPass"].get<std::string>().empty());
  const Json server = show(id);
  EXPECT_EQ(server["status"], "ERROR");
  EXPECT_EQ(server["fault"]["code"], 500);
  EXPECT_EQ(server["fault"]["message"],
            "No valid host was found. There are not enough hosts available.");
  EXPECT_EQ(server["fault"]["details"], "No compute hosts are registered.");
  EXPECT_FALSE(show(id, "", false)["fault"].contains("details"));  // members see no details
  EXPECT_EQ(ports(), 0);
  EXPECT_EQ(nova("DELETE", "/servers/" + id, nullptr, "", false).status, 204);
  EXPECT_EQ(instances(), 0);
}

TEST_F(ServerApiTest, ABootIsScheduledWithABoundPortAndAnInstanceRecord) {
  add_compute_host("compute1", 4, 4096, 50);
  const auto created = boot("My VM", {{"key_name", nullptr}, {"metadata", {{"role", "web"}}}});
  ASSERT_EQ(created.status, 202) << created.body;
  const std::string id = created.body["server"]["id"];
  EXPECT_EQ(created.body["server"]["security_groups"][0]["name"], "default");
  const Json server = show(id, "2.47");
  EXPECT_EQ(server["status"], "BUILD");
  EXPECT_EQ(server["OS-EXT-STS:task_state"], "spawning");
  EXPECT_EQ(server["OS-EXT-SRV-ATTR:host"], "compute1");
  EXPECT_EQ(server["OS-EXT-SRV-ATTR:instance_name"], "instance-00000001");
  EXPECT_EQ(server["OS-EXT-AZ:availability_zone"], "nova");
  EXPECT_EQ(server["flavor"]["original_name"], "m1.nano");
  EXPECT_EQ(server["flavor"]["ram"], 128);
  EXPECT_EQ(server["metadata"]["role"], "web");
  const Json address = server["addresses"]["net1"][0];
  EXPECT_EQ(address["OS-EXT-IPS:type"], "fixed");
  EXPECT_EQ(address["version"], 4);
  EXPECT_EQ(address["addr"].get<std::string>().rfind("10.9.0.", 0), 0u);
  // The port, as Nova leaves it in Neutron.
  const auto port_list = call("GET", "/v2.0/ports?device_id=" + id, nullptr, admin_).body["ports"];
  ASSERT_EQ(port_list.size(), 1u);
  EXPECT_EQ(port_list[0]["device_owner"], "compute:nova");
  EXPECT_EQ(port_list[0]["binding:host_id"], "compute1");
  EXPECT_EQ(port_list[0]["mac_address"], address["OS-EXT-IPS-MAC:mac_addr"]);
  // The metadata record the guest will read.
  const Json record = call("GET", "/v2.1/neutrino/instances/" + id, nullptr, admin_).body;
  EXPECT_EQ(record["instance"]["hostname"], "my-vm");
  EXPECT_EQ(record["instance"]["flavor_name"], "m1.nano");
  // Members do not see admin attributes; 2.1 shows the flavor as a link.
  const Json member_view = show(id, "", false);
  EXPECT_FALSE(member_view.contains("OS-EXT-SRV-ATTR:host"));
  EXPECT_EQ(member_view["flavor"]["id"], "42");
  EXPECT_NE(member_view["hostId"], "");
}

TEST_F(ServerApiTest, ANetworkSharedWithTheProjectByAPolicyBoots) {
  add_compute_host("compute1", 4, 4096, 50);
  const std::string admins =
      call("POST", "/v2.0/networks", {{"network", {{"name", "admins"}}}}, admin_)
          .body["network"]["id"];
  call("POST", "/v2.0/subnets",
       {{"subnet", {{"network_id", admins}, {"ip_version", 4}, {"cidr", "10.8.0.0/24"}}}}, admin_);
  const Json on_admins = {{"networks", Json::array({{{"uuid", admins}}})}};
  EXPECT_EQ(boot("refused", on_admins).status, 400);
  const auto policy = call("POST", "/v2.0/rbac-policies",
                           {{"rbac_policy",
                             {{"object_type", "network"},
                              {"object_id", admins},
                              {"action", "access_as_shared"},
                              {"target_tenant", project_id_}}}},
                           admin_);
  ASSERT_EQ(policy.status, 201) << policy.body;
  const auto created = boot("shared", on_admins);
  EXPECT_EQ(created.status, 202) << created.body;
}

TEST_F(ServerApiTest, BadBootsAreRefusedAndChangeNothing) {
  add_compute_host("compute1", 4, 4096, 50);
  const std::string empty_net =
      neutron("POST", "/v2.0/networks", {{"network", {{"name", "bare"}}}})["network"]["id"];
  const std::string queued = upload_image("raw", "bare", "");
  const std::string ovf = upload_image("raw", "ovf", "data");
  struct Case {
    Json extra;
    int status;
    std::string message;
  };
  const Case cases[] = {
      {{{"flavorRef", "999"}}, 400, "Flavor 999 could not be found."},
      {{{"imageRef", "3b6ab86e-9f4e-4d47-9a3c-47f3c1d3b1a1"}}, 400, "Can not find requested image"},
      {{{"imageRef", queued}}, 400, "Image " + queued + " is not active."},
      {{{"imageRef", ovf}}, 400, ""},
      {{{"networks", Json::array({{{"uuid", "3b6ab86e-9f4e-4d47-9a3c-47f3c1d3b1a2"}}})}},
       400,
       "Network 3b6ab86e-9f4e-4d47-9a3c-47f3c1d3b1a2 could not be found."},
      {{{"networks", Json::array({{{"uuid", empty_net}}})}},
       400,
       "Network " + empty_net + " requires a subnet in order to boot instances on."},
      {{{"key_name", "missing"}}, 400, "Invalid key_name provided."},
      {{{"security_groups", Json::array({{{"name", "nope"}}})}},
       400,
       "Security group nope not found."},
      {{{"availability_zone", "elsewhere"}},
       400,
       "Invalid input received: The requested availability zone is not available"},
      {{{"max_count", 11}},
       403,
       "Quota exceeded for instances: Requested 11, but already used 0 of 10 instances"},
      {{{"user_data", "!!!"}}, 400, "User data needs to be valid base 64."},
      {{{"flavorRef", "42"}, {"bogus", 1}}, 400, ""},
  };
  const int64_t instances_before = instances();
  const int64_t ports_before = ports();
  for (const auto& c : cases) {
    const auto reply = boot("bad", c.extra);
    EXPECT_EQ(reply.status, c.status) << c.extra << " -> " << reply.body;
    if (!c.message.empty()) {
      EXPECT_EQ(reply.body.begin().value()["message"], c.message) << c.extra;
    }
    EXPECT_EQ(instances(), instances_before) << c.extra;
    EXPECT_EQ(ports(), ports_before) << c.extra;
  }
  // A flavor within quota that no host can take is accepted, then fails in the scheduler.
  ASSERT_EQ(
      nova("POST", "/flavors",
           {{"flavor", {{"name", "huge"}, {"id", "h"}, {"ram", 8192}, {"vcpus", 1}, {"disk", 1}}}})
          .status,
      200);
  const auto huge = boot("huge", {{"flavorRef", "h"}});
  ASSERT_EQ(huge.status, 202);
  const Json server = show(huge.body["server"]["id"]);
  EXPECT_EQ(server["status"], "ERROR");
  EXPECT_EQ(server["fault"]["details"], "Filter RamFilter returned 0 hosts");
  EXPECT_EQ(ports(), ports_before);
}

TEST_F(ServerApiTest, AGivenPortIsBoundThenUnboundNotDeleted) {
  add_compute_host("compute1", 4, 4096, 50);
  const std::string port =
      neutron("POST", "/v2.0/ports", {{"port", {{"network_id", network_}}}})["port"]["id"];
  const auto created = boot("p", {{"networks", Json::array({{{"port", port}}})}});
  ASSERT_EQ(created.status, 202) << created.body;
  const std::string id = created.body["server"]["id"];
  EXPECT_EQ(call("GET", "/v2.0/ports/" + port, nullptr, admin_).body["port"]["device_id"], id);
  // The same port again is in use.
  const auto again = boot("p2", {{"networks", Json::array({{{"port", port}}})}});
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.body["conflictingRequest"]["message"], "Port " + port + " is still in use.");
  // Its host is alive, so deletion waits for the agent to report the guest gone.
  ASSERT_EQ(nova("DELETE", "/servers/" + id, nullptr, "", false).status, 204);
  EXPECT_EQ(show(id)["OS-EXT-STS:task_state"], "deleting");
  report("compute2", id, "nostate", "ready");  // another host's word does not count
  EXPECT_EQ(show(id)["OS-EXT-STS:task_state"], "deleting");
  report("compute1", id, "nostate", "ready");
  EXPECT_EQ(nova("GET", "/servers/" + id).status, 404);
  const Json unbound = call("GET", "/v2.0/ports/" + port, nullptr, admin_).body["port"];
  EXPECT_EQ(unbound["device_id"], "");
  EXPECT_EQ(unbound["binding:host_id"], "");
}

TEST_F(ServerApiTest, AgentReportsDriveStatusAndActions) {
  add_compute_host("compute1", 4, 4096, 50);
  const auto created = boot("vm");
  const std::string server = created.body["server"]["id"];
  EXPECT_EQ(nova("POST", "/servers/" + server + "/action", {{"os-stop", nullptr}}).status, 409);
  report("compute1", server, "running", "ready");
  Json shown = show(server);
  EXPECT_EQ(shown["status"], "ACTIVE");
  EXPECT_EQ(shown["OS-EXT-STS:power_state"], 1);
  EXPECT_NE(shown["OS-SRV-USG:launched_at"], nullptr);
  EXPECT_EQ(nova("POST", "/servers/" + server + "/action", {{"os-start", nullptr}})
                .body["conflictingRequest"]["message"],
            "Cannot 'start' instance " + server + " while it is in vm_state active");
  ASSERT_EQ(nova("POST", "/servers/" + server + "/action", {{"os-stop", nullptr}}).status, 202);
  report("compute1", server, "shutdown", "ready");
  EXPECT_EQ(show(server)["status"], "SHUTOFF");
  ASSERT_EQ(nova("POST", "/servers/" + server + "/action", {{"os-start", nullptr}}).status, 202);
  report("compute1", server, "running", "ready");
  EXPECT_EQ(show(server)["status"], "ACTIVE");
  ASSERT_EQ(nova("POST", "/servers/" + server + "/action", {{"reboot", {{"type", "SOFT"}}}}).status,
            202);
  EXPECT_EQ(show(server)["status"], "REBOOT");
  app_->servers().reboots_applied("compute1", {{server, 1}});
  EXPECT_EQ(show(server)["status"], "ACTIVE");
  EXPECT_EQ(
      nova("POST", "/servers/" + server + "/action", {{"reboot", {{"type", "gentle"}}}}).status,
      400);
  // The guest powers itself off.
  report("compute1", server, "shutdown", "ready");
  EXPECT_EQ(show(server)["status"], "SHUTOFF");
  // A failed build is ERROR with the agent's fault.
  app_->servers().apply_reports(
      "compute1",
      Json::array(
          {{{"id", server},
            {"power_state", "nostate"},
            {"task", "error"},
            {"fault", {{"message", "image checksum mismatch"}, {"details", "sha512 differs"}}}}}));
  shown = show(server);
  EXPECT_EQ(shown["status"], "ERROR");
  EXPECT_EQ(shown["fault"]["message"], "image checksum mismatch");
  EXPECT_EQ(
      nova("POST", "/servers/" + server + "/action", {{"os-getConsoleOutput", nullptr}}).status,
      409);  // no agent channel runs in this test
}

TEST_F(ServerApiTest, ListsFilterSortAndPage) {
  add_compute_host("compute1", 8, 8192, 100);
  for (const char* name : {"web-1", "web-2", "db-1"}) {
    ASSERT_EQ(boot(name).status, 202);
  }
  const auto names = [&](const std::string& query, bool as_admin = false) {
    std::vector<std::string> out;
    const auto reply = nova("GET", "/servers/detail" + query, nullptr, "", as_admin);
    for (const auto& s : reply.body["servers"]) {
      out.push_back(s["name"]);
    }
    return out;
  };
  EXPECT_EQ(names("?name=^web").size(), 2u);
  EXPECT_EQ(names("?status=BUILD").size(), 3u);
  EXPECT_EQ(names("?status=ACTIVE").size(), 0u);
  EXPECT_EQ(names("?sort_key=display_name&sort_dir=asc"),
            (std::vector<std::string>{"db-1", "web-1", "web-2"}));
  EXPECT_EQ(nova("GET", "/servers?status=bogus", nullptr, "2.38", false).status, 400);
  EXPECT_TRUE(names("", true).empty());  // the admin's own project has none
  EXPECT_EQ(names("?all_tenants=1", true).size(), 3u);
  EXPECT_EQ(nova("GET", "/servers?all_tenants=1", nullptr, "", false).status, 403);
  EXPECT_EQ(names("?host=compute1").size(), 3u);  // admin-only filter: ignored for members
  EXPECT_EQ(names("?host=elsewhere&all_tenants=1", true).size(), 0u);
  const auto page = nova("GET", "/servers?limit=2", nullptr, "", false).body;
  EXPECT_EQ(page["servers"].size(), 2u);
  EXPECT_TRUE(page.contains("servers_links"));
  EXPECT_EQ(nova("GET", "/servers?foo=1", nullptr, "2.75", false).status, 400);
  EXPECT_EQ(nova("GET", "/servers?foo=1", nullptr, "2.74", false).status, 200);
  EXPECT_EQ(nova("GET", "/servers?name=(", nullptr, "", false).status, 400);
}

TEST_F(ServerApiTest, QuotaCountsCoresAndRam) {
  add_compute_host("compute1", 64, 65536, 500);
  ASSERT_EQ(
      nova("POST", "/flavors",
           {{"flavor", {{"name", "wide"}, {"id", "w"}, {"ram", 256}, {"vcpus", 8}, {"disk", 1}}}})
          .status,
      200);
  ASSERT_EQ(boot("a", {{"flavorRef", "w"}}).status, 202);
  ASSERT_EQ(boot("b", {{"flavorRef", "w"}}).status, 202);
  const auto third = boot("c", {{"flavorRef", "w"}});
  EXPECT_EQ(third.status, 403);
  EXPECT_EQ(third.body["forbidden"]["message"],
            "Quota exceeded for cores: Requested 8, but already used 16 of 20 cores");
  const auto limits = nova("GET", "/limits", nullptr, "", false).body["limits"]["absolute"];
  EXPECT_EQ(limits["totalCoresUsed"], 16);
  EXPECT_EQ(limits["totalInstancesUsed"], 2);
  EXPECT_EQ(limits["totalRAMUsed"], 512);
}

TEST_F(ServerApiTest, NoVolumesAreAttachedWithoutBlockStorage) {
  add_compute_host("compute1", 4, 4096, 50);
  const std::string id = boot("vm").body["server"]["id"];
  const auto attachments =
      nova("GET", "/servers/" + id + "/os-volume_attachments", nullptr, "", false);
  EXPECT_EQ(attachments.status, 200);
  EXPECT_EQ(attachments.body, Json({{"volumeAttachments", Json::array()}}));
  EXPECT_EQ(
      nova("GET", "/servers/5a1e0000-0000-4000-8000-000000000009/os-volume_attachments").status,
      404);
}

TEST_F(ServerApiTest, SimpleTenantUsageCountsLaunchedServers) {
  add_compute_host("compute1", 4, 4096, 50);
  const std::string launched = boot("launched").body["server"]["id"];
  const std::string building = boot("building").body["server"]["id"];
  report("compute1", launched, "running", "ready");
  const std::string window = "?start=2000-01-01T00:00:00&end=2999-01-01T00:00:00";
  const auto own =
      nova("GET", "/os-simple-tenant-usage/" + project_id_ + window, nullptr, "2.40", false);
  ASSERT_EQ(own.status, 200) << own.body;
  const Json usage = own.body["tenant_usage"];
  EXPECT_EQ(usage["tenant_id"], project_id_);
  ASSERT_EQ(usage["server_usages"].size(), 2u);
  EXPECT_EQ(usage["server_usages"][0]["instance_id"], launched);
  EXPECT_EQ(usage["server_usages"][0]["state"], "active");
  EXPECT_EQ(usage["server_usages"][0]["ended_at"], nullptr);
  EXPECT_EQ(usage["server_usages"][0]["memory_mb"], 128);  // m1.nano
  EXPECT_NE(usage["server_usages"][0]["started_at"], nullptr);
  EXPECT_EQ(usage["server_usages"][1]["hours"], 0.0);  // never launched
  EXPECT_GE(usage["total_hours"].get<double>(), 0.0);
  // 2.40 pages by instance: after the last one there is nothing, as an empty object
  const auto after =
      nova("GET", "/os-simple-tenant-usage/" + project_id_ + window + "&marker=" + building,
           nullptr, "2.40", false);
  EXPECT_EQ(after.body, Json({{"tenant_usage", Json::object()}}));
  const auto first = nova("GET", "/os-simple-tenant-usage/" + project_id_ + window + "&limit=1",
                          nullptr, "2.40", false);
  EXPECT_EQ(first.body["tenant_usage"]["server_usages"].size(), 1u);
  EXPECT_EQ(first.body["tenant_usage_links"][0]["rel"], "next");
  EXPECT_EQ(nova("GET", "/os-simple-tenant-usage/" + project_id_ + window + "&marker=nope", nullptr,
                 "2.40", false)
                .status,
            400);
  // other projects and the list are the admin's
  EXPECT_EQ(nova("GET", "/os-simple-tenant-usage/other" + window, nullptr, "", false).status, 403);
  EXPECT_EQ(nova("GET", "/os-simple-tenant-usage" + window, nullptr, "", false).status, 403);
  const auto all = nova("GET", "/os-simple-tenant-usage" + window + "&detailed=1");
  ASSERT_EQ(all.status, 200) << all.body;
  ASSERT_EQ(all.body["tenant_usages"].size(), 1u);
  EXPECT_EQ(all.body["tenant_usages"][0]["server_usages"].size(), 2u);
  const auto summary = nova("GET", "/os-simple-tenant-usage" + window);
  EXPECT_FALSE(summary.body["tenant_usages"][0].contains("server_usages"));
  EXPECT_EQ(nova("GET", "/os-simple-tenant-usage?start=yesterday").status, 400);
  EXPECT_EQ(nova("GET", "/os-simple-tenant-usage?start=2999-01-01T00:00:00").status, 400);
}

}  // namespace
}  // namespace neutrino::compute
