#pragma once
// Flavors of advanced services (Neutron's flavors plugin): a named, enabled-or-not choice of
// service profiles for one service type. Everyone may read flavors; only admins create,
// change, delete them or (un)bind their profiles, as Neutron's default policy says.
#include <set>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "controller/api/api_error.hpp"
#include "controller/neutron/policy.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::neutron {

class FlavorService {
 public:
  // `service_types`: the service plugins loaded (a flavor's service_type must be one).
  explicit FlavorService(std::set<std::string> service_types)
      : service_types_(std::move(service_types)) {}

  Json create(store::SqlSession& s, const AuthContext& ctx, const Json& attributes) const;
  Json show(store::SqlSession& s, const AuthContext& ctx, const std::string& id) const;
  std::vector<Json> list(store::SqlSession& s, const AuthContext& ctx) const;
  Json update(store::SqlSession& s, const AuthContext& ctx, const std::string& id,
              const Json& attributes) const;
  void remove(store::SqlSession& s, const AuthContext& ctx, const std::string& id) const;

  // POST /flavors/{id}/service_profiles: 409 FlavorServiceProfileBindingExists when bound.
  Json bind(store::SqlSession& s, const AuthContext& ctx, const std::string& flavor_id,
            const Json& body) const;
  // DELETE /flavors/{id}/service_profiles/{profile}: 404 FlavorServiceProfileBindingNotFound.
  void unbind(store::SqlSession& s, const AuthContext& ctx, const std::string& flavor_id,
              const std::string& profile_id) const;

  static void touch(store::SqlSession&, const std::string&) {}

 private:
  std::vector<Json> load(store::SqlSession& s, const std::string& where,
                         const store::SqlParams& params) const;
  // Every id names an existing service profile (404 ServiceProfileNotFound otherwise).
  std::vector<std::string> profile_ids(store::SqlSession& s, const Json& ids) const;
  void set_profiles(store::SqlSession& s, const std::string& flavor_id,
                    const std::vector<std::string>& ids) const;

  std::set<std::string> service_types_;
};

api::ApiError flavor_not_found(const std::string& id);

}  // namespace neutrino::neutron
