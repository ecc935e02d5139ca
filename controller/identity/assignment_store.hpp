#pragma once
// Role assignments: which user holds which role on which project.
#include <optional>
#include <string>
#include <vector>

#include "controller/identity/identity_records.hpp"
#include "controller/store/database.hpp"

namespace neutrino::identity {

struct AssignmentFilter {
  std::optional<std::string> user_id;
  std::optional<std::string> project_id;
  std::optional<std::string> role_id;
};

class AssignmentStore {
 public:
  explicit AssignmentStore(store::Database& db) : db_(db) {}

  // Idempotent. 404 naming whichever of project, user, role does not exist.
  void grant(const std::string& project_id, const std::string& user_id, const std::string& role_id);
  bool exists(const std::string& project_id, const std::string& user_id,
              const std::string& role_id);
  // 404 when there is no such assignment. Revokes the user's tokens scoped to the project, as
  // Keystone does, even when another role remains.
  void revoke(const std::string& project_id, const std::string& user_id,
              const std::string& role_id);
  std::vector<Role> roles_of(const std::string& user_id, const std::string& project_id);
  std::vector<RoleAssignment> list(const AssignmentFilter& filter = {});
  // Projects on which the user holds any role.
  std::vector<Project> projects_of(const std::string& user_id, bool enabled_only);

 private:
  store::Database& db_;
};

}  // namespace neutrino::identity
