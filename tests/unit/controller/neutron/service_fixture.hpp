#pragma once
// Services on a fresh store, with helpers that run one call per transaction as the API does.
#include <functional>

#include "controller/api/api_error.hpp"
#include "controller/neutron/network_service.hpp"
#include "controller/neutron/port_service.hpp"
#include "controller/neutron/resource_schemas.hpp"
#include "controller/neutron/security_group_rule_service.hpp"
#include "controller/neutron/security_group_service.hpp"
#include "controller/neutron/subnet_service.hpp"
#include "store_fixture.hpp"

namespace neutrino::neutron::testing {

class ServiceFixture : public StoreFixture {
 protected:
  ServiceFixture()
      : segments_(settings()), networks_(segments_), ports_("fa:16:3e:00:00:00", agents_) {}

  static NetworkSettings settings() {
    NetworkSettings s;
    s.vni_ranges = "1000:1999";
    s.network_vlan_ranges = "physnet1:100:199";
    return s;
  }

  Json create_network(const AuthContext& ctx, Json body = Json::object()) {
    const Json a = network_schema().validate(body, Operation::kCreate);
    return db().write([&](store::SqlSession& s) { return networks_.create(s, ctx, a); });
  }
  Json create_subnet(const AuthContext& ctx, Json body) {
    const Json a = subnet_schema().validate(body, Operation::kCreate);
    return db().write([&](store::SqlSession& s) { return subnets_.create(s, ctx, a); });
  }
  Json update_subnet(const AuthContext& ctx, const std::string& id, Json body) {
    const Json a = subnet_schema().validate(body, Operation::kUpdate);
    return db().write([&](store::SqlSession& s) { return subnets_.update(s, ctx, id, a); });
  }
  Json create_port(const AuthContext& ctx, Json body) {
    const Json a = port_schema().validate(body, Operation::kCreate);
    return db().write([&](store::SqlSession& s) { return ports_.create(s, ctx, a); });
  }
  Json update_port(const AuthContext& ctx, const std::string& id, Json body) {
    const Json a = port_schema().validate(body, Operation::kUpdate);
    return db().write([&](store::SqlSession& s) { return ports_.update(s, ctx, id, a); });
  }
  Json create_group(const AuthContext& ctx, Json body = Json::object()) {
    const Json a = security_group_schema().validate(body, Operation::kCreate);
    return db().write([&](store::SqlSession& s) { return groups_.create(s, ctx, a); });
  }
  Json update_group(const AuthContext& ctx, const std::string& id, Json body) {
    const Json a = security_group_schema().validate(body, Operation::kUpdate);
    return db().write([&](store::SqlSession& s) { return groups_.update(s, ctx, id, a); });
  }
  void delete_group(const AuthContext& ctx, const std::string& id) {
    db().write([&](store::SqlSession& s) { groups_.remove(s, ctx, id); });
  }
  Json show_group(const AuthContext& ctx, const std::string& id) {
    return db().read([&](store::SqlSession& s) { return groups_.show(s, ctx, id); });
  }
  // Lists as the API does: the default group is ensured first.
  std::vector<Json> list_groups(const AuthContext& ctx) {
    db().write([&](store::SqlSession& s) { SecurityGroupService::prepare_list(s, ctx, {}); });
    return db().read([&](store::SqlSession& s) { return groups_.list(s, ctx); });
  }
  Json create_rule(const AuthContext& ctx, Json body) {
    const Json a = security_group_rule_schema().validate(body, Operation::kCreate);
    return db().write([&](store::SqlSession& s) { return rules_.create(s, ctx, a); });
  }
  std::string default_group(const AuthContext& ctx) {
    return db().write([&](store::SqlSession& s) {
      return *SecurityGroupService::ensure_default(s, ctx, ctx.project_id);
    });
  }
  // The refusal a call ends in: {status, type}; {0, ""} when it succeeded.
  static std::pair<int, std::string> refusal(const std::function<void()>& call) {
    try {
      call();
    } catch (const api::ApiError& e) {
      return {e.status(), e.type()};
    }
    return {0, ""};
  }
  int64_t count(const std::string& sql) {
    return db().read([&](store::SqlSession& s) { return s.query(sql)[0].integer(0); });
  }

  agents::AgentService agents_;
  SegmentAllocator segments_;
  NetworkService networks_;
  SubnetService subnets_;
  PortService ports_;
  SecurityGroupService groups_;
  SecurityGroupRuleService rules_;
};

}  // namespace neutrino::neutron::testing
