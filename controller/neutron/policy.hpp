#pragma once
// Neutron's default policy, reduced to the rules this API needs: admins see and change
// everything; a member sees its project's resources (and shared networks), never learns that
// another project's resource exists (404), and may not set admin-only attributes (403).
#include <string>

#include "common/json.hpp"
#include "controller/identity/auth_context.hpp"

namespace neutrino::neutron {

using identity::AuthContext;

inline bool owns(const AuthContext& ctx, const std::string& project_id) {
  return ctx.is_admin() || ctx.project_id == project_id;
}

// 403 "(rule:<action>:<attribute>) is disallowed by policy" unless the caller is admin.
void require_admin_for(const AuthContext& ctx, const std::string& action,
                       const std::string& attribute);

// The project a new resource belongs to: the body's project_id/tenant_id (which must agree)
// or the caller's. Naming another project needs admin (or advsvc): 400 otherwise, as Neutron.
std::string owning_project(const AuthContext& ctx, const Json& attributes);

}  // namespace neutrino::neutron
