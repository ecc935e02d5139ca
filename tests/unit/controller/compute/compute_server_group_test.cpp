// Server groups: their API per microversion, quotas, and the scheduler hint that places a
// group's servers by its policy.
#include "controller/compute/server_operations.hpp"
#include "tests/unit/controller/compute/compute_fixture.hpp"

namespace neutrino::compute {
namespace {

class ServerGroupTest : public testing::ComputeFixture {
 protected:
  void SetUp() override {
    const auto net = call("POST", "/v2.0/networks", {{"network", {{"name", "n"}}}}, member_);
    network_ = net.body["network"]["id"];
    call("POST", "/v2.0/subnets",
         {{"subnet", {{"network_id", network_}, {"ip_version", 4}, {"cidr", "10.8.0.0/24"}}}},
         member_);
    image_ = call("POST", "/image/v2/images",
                  {{"name", "img"}, {"disk_format", "raw"}, {"container_format", "bare"}}, member_)
                 .body["id"];
    call("PUT", "/image/v2/images/" + image_ + "/file", Json(std::string(4096, 'd')), member_,
         {{"content-type", "application/octet-stream"}});
  }

  testing::Reply boot(const std::string& name, const std::string& group) {
    return nova("POST", "/servers",
                {{"server",
                  {{"name", name},
                   {"imageRef", image_},
                   {"flavorRef", "42"},
                   {"networks", Json::array({{{"uuid", network_}}})}}},
                 {"os:scheduler_hints", {{"group", group}}}},
                "", false);
  }

  std::string host_of(const std::string& id) {
    return nova("GET", "/servers/" + id).body["server"]["OS-EXT-SRV-ATTR:host"];
  }

  std::string network_;
  std::string image_;
};

TEST_F(ServerGroupTest, CreateListShowDeletePerMicroversion) {
  const auto old =
      nova("POST", "/os-server-groups",
           {{"server_group", {{"name", "g1"}, {"policies", {"anti-affinity"}}}}}, "2.1", false);
  ASSERT_EQ(old.status, 200) << old.body;
  EXPECT_EQ(old.body["server_group"]["policies"], Json::array({"anti-affinity"}));
  EXPECT_EQ(old.body["server_group"]["members"], Json::array());
  EXPECT_FALSE(old.body["server_group"].contains("project_id"));
  const std::string id = old.body["server_group"]["id"];

  const auto now = nova(
      "POST", "/os-server-groups",
      {{"server_group",
        {{"name", "g2"}, {"policy", "anti-affinity"}, {"rules", {{"max_server_per_host", 2}}}}}},
      "2.64", false);
  ASSERT_EQ(now.status, 200) << now.body;
  EXPECT_EQ(now.body["server_group"]["policy"], "anti-affinity");
  EXPECT_EQ(now.body["server_group"]["rules"]["max_server_per_host"], 2);
  EXPECT_EQ(now.body["server_group"]["project_id"], project_id_);

  EXPECT_EQ(
      nova("POST", "/os-server-groups",
           {{"server_group", {{"name", "g"}, {"policies", {"soft-affinity"}}}}}, "2.14", false)
          .status,
      400);
  EXPECT_EQ(
      nova("POST", "/os-server-groups",
           {{"server_group",
             {{"name", "g"}, {"policy", "affinity"}, {"rules", {{"max_server_per_host", 2}}}}}},
           "2.64", false)
          .status,
      400);
  EXPECT_EQ(nova("GET", "/os-server-groups", nullptr, "2.64", false).body["server_groups"].size(),
            2u);
  EXPECT_EQ(nova("GET", "/os-server-groups/" + id, nullptr, "", false).body["server_group"]["name"],
            "g1");
  // another project's group is not found, except by an admin
  EXPECT_EQ(nova("GET", "/os-server-groups", nullptr, "", true).body["server_groups"].size(), 0u);
  EXPECT_EQ(nova("GET", "/os-server-groups?all_projects=True", nullptr, "", true)
                .body["server_groups"]
                .size(),
            2u);
  EXPECT_EQ(nova("GET", "/limits", nullptr, "", false)
                .body["limits"]["absolute"]["totalServerGroupsUsed"],
            2);
  EXPECT_EQ(nova("DELETE", "/os-server-groups/" + id, nullptr, "", false).status, 204);
  EXPECT_EQ(nova("GET", "/os-server-groups/" + id, nullptr, "", false).status, 404);
}

TEST_F(ServerGroupTest, TheGroupHintPlacesServersByPolicy) {
  add_compute_host("compute1", 8, 8192, 50);
  add_compute_host("compute2", 8, 8192, 50);
  const std::string apart =
      nova("POST", "/os-server-groups",
           {{"server_group", {{"name", "apart"}, {"policy", "anti-affinity"}}}}, "2.64", false)
          .body["server_group"]["id"];
  const auto a = boot("a", apart);
  ASSERT_EQ(a.status, 202) << a.body;
  const auto b = boot("b", apart);
  ASSERT_EQ(b.status, 202) << b.body;
  const std::string a_id = a.body["server"]["id"];
  const std::string b_id = b.body["server"]["id"];
  EXPECT_NE(host_of(a_id), host_of(b_id));
  // two hosts, two members: a third has nowhere to go
  const std::string c_id = boot("c", apart).body["server"]["id"];
  EXPECT_EQ(nova("GET", "/servers/" + c_id).body["server"]["status"], "ERROR");
  const auto group = nova("GET", "/os-server-groups/" + apart, nullptr, "2.64", false);
  EXPECT_EQ(group.body["server_group"]["members"], Json::array({a_id, b_id, c_id}));

  const std::string together =
      nova("POST", "/os-server-groups",
           {{"server_group", {{"name", "together"}, {"policy", "affinity"}}}}, "2.64", false)
          .body["server_group"]["id"];
  const std::string d_id = boot("d", together).body["server"]["id"];
  const std::string e_id = boot("e", together).body["server"]["id"];
  EXPECT_EQ(host_of(d_id), host_of(e_id));

  EXPECT_EQ(boot("x", "5a1e0000-0000-4000-8000-000000000009").status, 400);
  EXPECT_EQ(boot("x", "not-a-uuid").status, 400);
}

}  // namespace
}  // namespace neutrino::compute
