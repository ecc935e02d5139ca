#pragma once
// Service profiles of the flavors extension (Neutron's flavors plugin): a driver and its
// metainfo, which flavors group. Only admins see or change them (Neutron's policy: members get
// 404 on show and an empty list).
#include <string>
#include <vector>

#include "common/json.hpp"
#include "controller/api/api_error.hpp"
#include "controller/neutron/policy.hpp"
#include "controller/neutron/service_providers.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::neutron {

class ServiceProfileService {
 public:
  explicit ServiceProfileService(const ServiceProviders& providers) : providers_(providers) {}

  Json create(store::SqlSession& s, const AuthContext& ctx, const Json& attributes) const;
  Json show(store::SqlSession& s, const AuthContext& ctx, const std::string& id) const;
  std::vector<Json> list(store::SqlSession& s, const AuthContext& ctx) const;
  Json update(store::SqlSession& s, const AuthContext& ctx, const std::string& id,
              const Json& attributes) const;
  // 409 ServiceProfileInUse while a flavor names it.
  void remove(store::SqlSession& s, const AuthContext& ctx, const std::string& id) const;

  // GET /flavors/{id}/next_providers, as Neutron's get_flavor_next_provider: the driver of
  // the flavor's first bound profile and the provider that has it. 404
  // FlavorServiceProfileBindingNotFound without a profile, 503 ServiceProfileDisabled, 404
  // ServiceProfileDriverNotFound when no provider has the driver.
  std::vector<Json> next_providers(store::SqlSession& s, const std::string& flavor_id) const;

  static void touch(store::SqlSession&, const std::string&) {}
  static bool exists(store::SqlSession& s, const std::string& id);

 private:
  // 404 ServiceProfileDriverNotFound for a driver no service provider has.
  void check_driver(const std::string& driver) const;

  const ServiceProviders& providers_;
};

api::ApiError service_profile_not_found(const std::string& id);

}  // namespace neutrino::neutron
