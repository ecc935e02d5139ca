#include "controller/metadata/instance_input.hpp"

#include <gtest/gtest.h>

#include "controller/api/api_error.hpp"

namespace neutrino::metadata {
namespace {

identity::AuthContext admin() {
  identity::AuthContext ctx;
  ctx.project_id = "admin-project";
  ctx.roles = {"admin"};
  return ctx;
}

std::string refusal(const Json& instance) {
  try {
    parse_new_instance({{"instance", instance}}, admin());
  } catch (const api::ApiError& e) {
    EXPECT_EQ(e.status(), 400) << e.what();
    return e.what();
  }
  return "";
}

TEST(InstanceInput, FillsDefaults) {
  const InstanceRecord r = parse_new_instance({{"instance", {{"name", "My VM_1.test"}}}}, admin());
  EXPECT_EQ(r.id.size(), 36u);
  EXPECT_EQ(r.project_id, "admin-project");
  EXPECT_EQ(r.hostname, "my-vm-1-test");
  EXPECT_EQ(r.availability_zone, "nova");
  EXPECT_EQ(r.launch_index, 0);
  EXPECT_FALSE(r.key_name);
  EXPECT_FALSE(r.user_data);
  EXPECT_EQ(r.security_groups, std::vector<std::string>{"default"});
}

TEST(InstanceInput, TakesEverythingNovaWould) {
  const InstanceRecord r = parse_new_instance(
      {{"instance",
        {{"id", "6F0E2B8E-2A4C-4C55-9E7E-0D4F3F1C8A01"},
         {"name", "web"},
         {"hostname", "web-01"},
         {"project_id", "p1"},
         {"key_name", "k"},
         {"public_key", "ssh-rsa AAAA"},
         {"user_data", "IyEvYmluL3No\nCg=="},
         {"availability_zone", "az1"},
         {"launch_index", 3},
         {"flavor_name", "m1.small"},
         {"metadata", {{"a", "b"}}},
         {"security_groups", {{{"name", "web"}}, "default", {{"name", "web"}}}}}}},
      admin());
  EXPECT_EQ(r.id, "6f0e2b8e-2a4c-4c55-9e7e-0d4f3f1c8a01");
  EXPECT_EQ(r.hostname, "web-01");
  EXPECT_EQ(r.project_id, "p1");
  EXPECT_EQ(*r.user_data, "IyEvYmluL3NoCg==");  // line breaks dropped
  EXPECT_EQ(r.security_groups, (std::vector<std::string>{"web", "default"}));
  EXPECT_EQ(r.metadata.at("a"), "b");
}

TEST(InstanceInput, RefusesBadInput) {
  EXPECT_EQ(refusal({{"hostname", "x"}}),
            "Failed to parse request. Required attribute 'name' not specified");
  EXPECT_EQ(refusal({{"name", "x"}, {"colour", "red"}}), "Unrecognized attribute(s) 'colour'");
  EXPECT_EQ(refusal({{"name", "x"}, {"user_data", "!!notbase64"}}),
            "User data needs to be valid base 64.");
  EXPECT_NE(refusal({{"name", "x"}, {"user_data", std::string(65536, 'A')}}).find("too large"),
            std::string::npos);
  EXPECT_NE(refusal({{"name", "x"}, {"key_name", "k"}}), "");
  EXPECT_NE(refusal({{"name", "x"}, {"public_key", "ssh-rsa A"}}), "");
  EXPECT_NE(refusal({{"name", "x"}, {"hostname", "-bad"}}), "");
  EXPECT_NE(refusal({{"name", "x"}, {"hostname", "a..b"}}), "");
  EXPECT_NE(refusal({{"name", "x"}, {"launch_index", -1}}), "");
  EXPECT_NE(refusal({{"name", "x"}, {"id", "not-a-uuid"}}), "");
  EXPECT_NE(refusal({{"name", "   "}}), "");
  EXPECT_NE(refusal({{"name", 5}}), "");
  EXPECT_NE(refusal({{"name", "x"}, {"metadata", {{"a", 1}}}}), "");
  EXPECT_NE(refusal({{"name", "x"}, {"security_groups", {5}}}), "");
  EXPECT_NE(refusal({{"name", "x"}, {"project_id", "a"}, {"tenant_id", "b"}}), "");
  EXPECT_EQ(refusal(Json::array()), "Unable to find 'instance' in request body");
}

TEST(InstanceInput, Hostnames) {
  EXPECT_EQ(sanitize_hostname("  Web_Server.1  "), "web-server-1");
  EXPECT_EQ(sanitize_hostname("---"), "");
  EXPECT_EQ(sanitize_hostname(std::string(80, 'a')).size(), 63u);
  EXPECT_TRUE(valid_hostname("web-1.example.org"));
  EXPECT_FALSE(valid_hostname("web_1"));
  EXPECT_FALSE(valid_hostname("web-"));
  EXPECT_FALSE(valid_hostname(std::string(64, 'a')));
  const InstanceRecord r = parse_new_instance({{"instance", {{"name", "???"}}}}, admin());
  EXPECT_EQ(r.hostname, "server-" + r.id);
}

}  // namespace
}  // namespace neutrino::metadata
