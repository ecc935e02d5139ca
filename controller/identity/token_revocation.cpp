#include "controller/identity/token_revocation.hpp"

namespace neutrino::identity {

void TokenRevocation::of_user(store::SqlSession& s, const std::string& user_id) {
  s.execute("UPDATE tokens SET revoked = 1 WHERE user_id = ? AND revoked = 0", {user_id});
}

void TokenRevocation::of_project(store::SqlSession& s, const std::string& project_id) {
  s.execute("UPDATE tokens SET revoked = 1 WHERE project_id = ? AND revoked = 0", {project_id});
}

void TokenRevocation::of_grant(store::SqlSession& s, const std::string& user_id,
                               const std::string& project_id) {
  s.execute("UPDATE tokens SET revoked = 1 WHERE user_id = ? AND project_id = ? AND revoked = 0",
            {user_id, project_id});
}

void TokenRevocation::of_role(store::SqlSession& s, const std::string& role_id) {
  s.execute(
      "UPDATE tokens SET revoked = 1 WHERE revoked = 0 AND EXISTS (SELECT 1 FROM "
      "role_assignments a WHERE a.role_id = ? AND a.user_id = tokens.user_id AND a.project_id = "
      "tokens.project_id)",
      {role_id});
}

}  // namespace neutrino::identity
