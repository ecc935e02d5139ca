#pragma once
// Routers and floating IPs on a fresh store: an external network with a small subnet, and
// helpers that run one call per transaction as the API does.
#include "controller/neutron/floating_ip_service.hpp"
#include "controller/neutron/l3_ports.hpp"
#include "controller/neutron/router_interfaces.hpp"
#include "controller/neutron/router_service.hpp"
#include "service_fixture.hpp"

namespace neutrino::neutron::testing {

class L3Fixture : public ServiceFixture {
 protected:
  L3Fixture() : l3_ports_(ports_), routers_(l3_ports_), interfaces_(l3_ports_), fips_(l3_ports_) {}

  void SetUp() override {
    ServiceFixture::SetUp();
    public_ = create_network(admin_, {{"router:external", true}})["id"];
    // 198.51.100.0/29: pool .2 to .6, five addresses.
    public_subnet_ = create_subnet(
        admin_, {{"network_id", public_}, {"ip_version", 4}, {"cidr", "198.51.100.0/29"}})["id"];
  }

  // A network of `ctx` with one IPv4 subnet; returns the subnet.
  Json tenant_subnet(const AuthContext& ctx, const std::string& cidr, Json extra = Json::object()) {
    const std::string net = create_network(ctx)["id"];
    Json body = {{"network_id", net}, {"ip_version", 4}, {"cidr", cidr}};
    body.update(extra);
    return create_subnet(ctx, body);
  }
  Json create_router(const AuthContext& ctx, Json body = Json::object()) {
    const Json a = router_schema().validate(body, Operation::kCreate);
    return db().write([&](store::SqlSession& s) { return routers_.create(s, ctx, a); });
  }
  Json update_router(const AuthContext& ctx, const std::string& id, Json body) {
    const Json a = router_schema().validate(body, Operation::kUpdate);
    return db().write([&](store::SqlSession& s) { return routers_.update(s, ctx, id, a); });
  }
  void delete_router(const AuthContext& ctx, const std::string& id) {
    db().write([&](store::SqlSession& s) { routers_.remove(s, ctx, id); });
  }
  Json add_interface(const AuthContext& ctx, const std::string& router, Json body) {
    return db().write([&](store::SqlSession& s) { return interfaces_.add(s, ctx, router, body); });
  }
  Json remove_interface(const AuthContext& ctx, const std::string& router, Json body) {
    return db().write(
        [&](store::SqlSession& s) { return interfaces_.remove(s, ctx, router, body); });
  }
  Json create_fip(const AuthContext& ctx, Json body) {
    const Json a = floating_ip_schema().validate(body, Operation::kCreate);
    return db().write([&](store::SqlSession& s) { return fips_.create(s, ctx, a); });
  }
  Json update_fip(const AuthContext& ctx, const std::string& id, Json body) {
    const Json a = floating_ip_schema().validate(body, Operation::kUpdate);
    return db().write([&](store::SqlSession& s) { return fips_.update(s, ctx, id, a); });
  }
  void delete_port(const AuthContext& ctx, const std::string& id) {
    db().write([&](store::SqlSession& s) { ports_.remove(s, ctx, id); });
  }
  // An admin network with a subnet, external to `project` only (an access_as_external policy
  // naming it, as the RBAC service records one): other projects do not see it.
  std::string network_external_to(const std::string& project) {
    const std::string net = create_network(admin_)["id"];
    create_subnet(admin_, {{"network_id", net}, {"ip_version", 4}, {"cidr", "203.0.113.0/28"}});
    db().write([&](store::SqlSession& s) {
      s.execute(
          "INSERT INTO rbac_policies (id, project_id, object_type, object_id, action, "
          "target_project) VALUES (?, ?, 'network', ?, 'access_as_external', ?)",
          {"external-" + net, admin_.project_id, net, project});
      s.execute("UPDATE networks SET router_external = 1 WHERE id = ?", {net});
    });
    return net;
  }
  // The journal entries of `kind` so far.
  int64_t journaled(const std::string& kind) {
    return count("SELECT COUNT(*) FROM change_journal WHERE kind = '" + kind + "'");
  }

  L3Ports l3_ports_;
  RouterService routers_;
  RouterInterfaces interfaces_;
  FloatingIpService fips_;
  std::string public_;
  std::string public_subnet_;
};

}  // namespace neutrino::neutron::testing
