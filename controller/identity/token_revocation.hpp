#pragma once
// Keystone's revocation events as statements in the writer's own transaction: disabling a user
// or a project, removing a role assignment or deleting a role ends the tokens it affects at
// once and for good (re-enabling does not bring them back, as in Keystone). Deleting a user or
// a project needs none of this: their tokens go with them (foreign keys cascade).
#include <string>

#include "controller/store/sql_session.hpp"

namespace neutrino::identity {

class TokenRevocation {
 public:
  // Every token of the user, scoped or not.
  static void of_user(store::SqlSession& s, const std::string& user_id);
  // Every token scoped to the project.
  static void of_project(store::SqlSession& s, const std::string& project_id);
  // The user's tokens scoped to the project, when an assignment between them goes.
  static void of_grant(store::SqlSession& s, const std::string& user_id,
                       const std::string& project_id);
  // Tokens of every (user, project) that holds the role; call before the role's rows go.
  static void of_role(store::SqlSession& s, const std::string& role_id);
};

}  // namespace neutrino::identity
