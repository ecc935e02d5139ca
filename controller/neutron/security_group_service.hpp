#pragma once
// Security groups: create (with Neutron's two egress rules), show, list, update, delete, and the
// project's "default" group, created on first use with its four rules.
#include <optional>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "controller/api/api_error.hpp"
#include "controller/http/http_request.hpp"
#include "controller/neutron/policy.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::neutron {

class SecurityGroupService {
 public:
  Json create(store::SqlSession& s, const AuthContext& ctx, const Json& attributes) const;
  Json show(store::SqlSession& s, const AuthContext& ctx, const std::string& id) const;
  std::vector<Json> list(store::SqlSession& s, const AuthContext& ctx) const;
  Json update(store::SqlSession& s, const AuthContext& ctx, const std::string& id,
              const Json& attributes) const;
  void remove(store::SqlSession& s, const AuthContext& ctx, const std::string& id) const;

  // Listing groups or rules creates the default group of the project the query names
  // (project_id/tenant_id filter) or else of the caller's, as Neutron does.
  static void prepare_list(store::SqlSession& s, const AuthContext& ctx,
                           const http::QueryParams& query);
  // The project's default group, created if missing. nullopt when a non-admin asks for another
  // project's (Neutron never creates one on another project's behalf).
  static std::optional<std::string> ensure_default(store::SqlSession& s, const AuthContext& ctx,
                                                   const std::string& project_id);
  // The group's project if the caller may see it; throws 404 SecurityGroupNotFound otherwise.
  static std::string visible(store::SqlSession& s, const AuthContext& ctx, const std::string& id);
  // Marks a change: bumps revision_number and updated_at.
  static void touch(store::SqlSession& s, const std::string& id);

 private:
  std::vector<Json> load(store::SqlSession& s, const AuthContext& ctx,
                         const std::optional<std::string>& id) const;
};

// 404 SecurityGroupNotFound "Security group <id> does not exist".
api::ApiError security_group_not_found(const std::string& id);

}  // namespace neutrino::neutron
