#include "controller/neutron/port_policy.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "controller/api/api_error.hpp"

namespace neutrino::neutron {
namespace {

// Neutron's messages are pinned from what neutron/policy.py composes (and deployments quote):
// every governed attribute the request sets, in Neutron's attribute order, nested as oslo.policy
// prints AndChecks.
class PortPolicyTest : public ::testing::Test {
 protected:
  PortPolicyTest() {
    admin_.project_id = "admin-project";
    admin_.roles = {"admin"};
    member_.project_id = "member-project";
    member_.roles = {"member"};
    advsvc_.project_id = "service-project";
    advsvc_.roles = {"advsvc"};
  }

  // "" when allowed, else the refusal's message (always a 403 PolicyNotAuthorized).
  static std::string refusal(const std::function<void()>& call) {
    try {
      call();
    } catch (const api::ApiError& e) {
      EXPECT_EQ(e.status(), 403);
      EXPECT_EQ(e.type(), "PolicyNotAuthorized");
      return e.what();
    }
    return "";
  }
  std::string create(const AuthContext& ctx, const Json& body, const PortPolicy::Network& net) {
    return refusal([&] { PortPolicy::enforce_create(ctx, body, net); });
  }
  std::string update(const AuthContext& ctx, const Json& body, const PortPolicy::Network& net) {
    return refusal([&] { PortPolicy::enforce_update(ctx, body, net); });
  }

  AuthContext admin_;
  AuthContext member_;
  AuthContext advsvc_;
  const PortPolicy::Network shared_{"admin-project", true};  // someone else's shared network
  const PortPolicy::Network own_{"member-project", false};
};

TEST_F(PortPolicyTest, MemberOnAnotherProjectsSharedNetwork) {
  const Json net = {{"network_id", "n"}};
  EXPECT_EQ(create(member_, net, shared_), "");
  EXPECT_EQ(create(member_, {{"port_security_enabled", false}}, shared_),
            "(rule:create_port and rule:create_port:port_security_enabled) is disallowed by "
            "policy");
  // Explicitly true is still an explicit value: Neutron's default for ports is "unset".
  EXPECT_EQ(create(member_, {{"port_security_enabled", true}}, shared_),
            "(rule:create_port and rule:create_port:port_security_enabled) is disallowed by "
            "policy");
  EXPECT_EQ(create(member_, {{"mac_address", "fa:16:3e:00:00:01"}}, shared_),
            "(rule:create_port and rule:create_port:mac_address) is disallowed by policy");
  EXPECT_EQ(create(member_, {{"fixed_ips", {{{"ip_address", "10.0.0.5"}}}}}, shared_),
            "(rule:create_port and (rule:create_port:fixed_ips and "
            "(rule:create_port:fixed_ips:ip_address))) is disallowed by policy");
  EXPECT_EQ(
      create(member_, {{"fixed_ips", {{{"subnet_id", "s"}, {"ip_address", "10.0.0.5"}}}}}, shared_),
      "(rule:create_port and (rule:create_port:fixed_ips and "
      "(rule:create_port:fixed_ips:subnet_id and rule:create_port:fixed_ips:ip_address))) "
      "is disallowed by policy");
  EXPECT_EQ(create(member_, {{"fixed_ips", {{{"subnet_id", "s"}}}}}, shared_), "")
      << "a subnet alone is allowed on a shared network";
  EXPECT_EQ(create(member_, {{"device_owner", "network:router_interface"}}, shared_),
            "(rule:create_port and rule:create_port:device_owner) is disallowed by policy");
  EXPECT_EQ(create(member_, {{"device_owner", "compute:nova"}}, shared_), "");
  EXPECT_EQ(create(member_, {{"allowed_address_pairs", {{{"ip_address", "10.0.0.9"}}}}}, shared_),
            "(rule:create_port and (rule:create_port:allowed_address_pairs and "
            "(rule:create_port:allowed_address_pairs:ip_address))) is disallowed by policy");
  EXPECT_EQ(create(member_, {{"binding:host_id", "compute1"}}, shared_),
            "(rule:create_port and rule:create_port:binding:host_id) is disallowed by policy");
  EXPECT_EQ(create(member_, {{"binding:profile", Json::object()}}, shared_),
            "(rule:create_port and rule:create_port:binding:profile) is disallowed by policy");
}

TEST_F(PortPolicyTest, TheMessageNamesEveryGovernedAttributeInNeutronsOrder) {
  // The deployment-quoted shape: "((rule:create_port and rule:create_port:binding:vnic_type)
  // and rule:create_port:port_security_enabled)"; passing checks are named too.
  EXPECT_EQ(create(member_,
                   {{"port_security_enabled", false},
                    {"binding:vnic_type", "direct"},
                    {"fixed_ips", {{{"subnet_id", "s"}}}},
                    {"device_owner", ""},
                    {"name", "x"}},
                   shared_),
            "(((rule:create_port and (rule:create_port:fixed_ips and "
            "(rule:create_port:fixed_ips:subnet_id))) and rule:create_port:binding:vnic_type) and "
            "rule:create_port:port_security_enabled) is disallowed by policy");
  // Defaults given explicitly are not checked on create (vnic "normal", device_owner "").
  EXPECT_EQ(create(member_, {{"binding:vnic_type", "normal"}, {"device_owner", ""}}, shared_), "");
}

TEST_F(PortPolicyTest, NetworkOwnerAdvsvcAndAdminMay) {
  const Json body = {{"port_security_enabled", false},
                     {"mac_address", "fa:16:3e:00:00:01"},
                     {"fixed_ips", {{{"ip_address", "10.0.0.5"}}}},
                     {"device_owner", "network:dhcp"}};
  EXPECT_EQ(create(member_, body, own_), "");
  EXPECT_EQ(create(advsvc_, body, shared_), "");
  EXPECT_EQ(create(admin_, body, shared_), "");
  // Bindings stay the admin's, even on one's own network.
  EXPECT_NE(create(member_, {{"binding:host_id", "compute1"}}, own_), "");
  EXPECT_NE(create(advsvc_, {{"binding:host_id", "compute1"}}, shared_), "");
  EXPECT_EQ(create(admin_, {{"binding:host_id", "compute1"}}, shared_), "");
  // Address pairs: admin or network owner, not advsvc.
  EXPECT_EQ(create(member_, {{"allowed_address_pairs", Json::array()}}, own_), "");
  EXPECT_NE(create(advsvc_, {{"allowed_address_pairs", Json::array()}}, shared_), "");
}

TEST_F(PortPolicyTest, UpdatesOnAnotherProjectsSharedNetwork) {
  EXPECT_EQ(update(member_, {{"name", "renamed"}}, shared_), "");
  EXPECT_EQ(update(member_, {{"port_security_enabled", false}}, shared_),
            "(rule:update_port and rule:update_port:port_security_enabled) is disallowed by "
            "policy");
  // Any fixed_ips change is the network owner's on update, even by subnet alone.
  EXPECT_EQ(update(member_, {{"fixed_ips", {{{"subnet_id", "s"}}}}}, shared_),
            "(rule:update_port and (rule:update_port:fixed_ips and "
            "(rule:update_port:fixed_ips:subnet_id))) is disallowed by policy");
  EXPECT_EQ(update(member_, {{"device_owner", "network:floatingip"}}, shared_),
            "(rule:update_port and rule:update_port:device_owner) is disallowed by policy");
  EXPECT_EQ(update(member_, {{"device_owner", ""}}, shared_), "");
  EXPECT_EQ(update(member_, {{"binding:vnic_type", "normal"}}, shared_), "");
}

TEST_F(PortPolicyTest, OnlyAdminOrAdvsvcChangeAMacAddress) {
  const Json mac = {{"mac_address", "fa:16:3e:00:00:02"}};
  EXPECT_EQ(update(member_, mac, own_),
            "(rule:update_port and rule:update_port:mac_address) is disallowed by policy");
  EXPECT_EQ(update(advsvc_, mac, shared_), "");
  EXPECT_EQ(update(admin_, mac, shared_), "");
  EXPECT_EQ(update(member_, {{"port_security_enabled", false}}, own_), "");
}

}  // namespace
}  // namespace neutrino::neutron
