#include "controller/identity/assignment_store.hpp"

#include "controller/identity/identity_errors.hpp"
#include "controller/identity/project_store.hpp"
#include "controller/identity/token_revocation.hpp"

namespace neutrino::identity {
namespace {

void require(store::SqlSession& s, const char* table, const std::string& kind,
             const std::string& id) {
  if (s.query(std::string("SELECT 1 FROM ") + table + " WHERE id = ?", {id}).empty()) {
    throw not_found_error(kind, id);
  }
}

}  // namespace

void AssignmentStore::grant(const std::string& project_id, const std::string& user_id,
                            const std::string& role_id) {
  db_.write([&](store::SqlSession& s) {
    require(s, "projects", "project", project_id);
    require(s, "users", "user", user_id);
    require(s, "roles", "role", role_id);
    s.execute(
        "INSERT INTO role_assignments (user_id, project_id, role_id) VALUES (?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        {user_id, project_id, role_id});
  });
}

bool AssignmentStore::exists(const std::string& project_id, const std::string& user_id,
                             const std::string& role_id) {
  return db_.read([&](store::SqlSession& s) {
    return !s.query(
                 "SELECT 1 FROM role_assignments WHERE user_id = ? AND project_id = ? AND "
                 "role_id = ?",
                 {user_id, project_id, role_id})
                .empty();
  });
}

void AssignmentStore::revoke(const std::string& project_id, const std::string& user_id,
                             const std::string& role_id) {
  db_.write([&](store::SqlSession& s) {
    require(s, "projects", "project", project_id);
    require(s, "users", "user", user_id);
    require(s, "roles", "role", role_id);
    if (s.execute(
            "DELETE FROM role_assignments WHERE user_id = ? AND project_id = ? AND role_id = ?",
            {user_id, project_id, role_id}) == 0) {
      throw not_found_error("role assignment", role_id);
    }
    TokenRevocation::of_grant(s, user_id, project_id);
  });
}

std::vector<Role> AssignmentStore::roles_of(const std::string& user_id,
                                            const std::string& project_id) {
  return db_.read([&](store::SqlSession& s) {
    std::vector<Role> out;
    for (const auto& row :
         s.query("SELECT roles.id, roles.name FROM role_assignments JOIN roles ON roles.id = "
                 "role_assignments.role_id WHERE role_assignments.user_id = ? AND "
                 "role_assignments.project_id = ? ORDER BY roles.name",
                 {user_id, project_id})) {
      out.push_back(Role{row.text(0), row.text(1)});
    }
    return out;
  });
}

std::vector<RoleAssignment> AssignmentStore::list(const AssignmentFilter& filter) {
  std::string sql = "SELECT user_id, project_id, role_id FROM role_assignments WHERE 1 = 1";
  store::SqlParams params;
  if (filter.user_id) {
    sql += " AND user_id = ?";
    params.emplace_back(*filter.user_id);
  }
  if (filter.project_id) {
    sql += " AND project_id = ?";
    params.emplace_back(*filter.project_id);
  }
  if (filter.role_id) {
    sql += " AND role_id = ?";
    params.emplace_back(*filter.role_id);
  }
  sql += " ORDER BY project_id, user_id, role_id";
  return db_.read([&](store::SqlSession& s) {
    std::vector<RoleAssignment> out;
    for (const auto& row : s.query(sql, params)) {
      out.push_back(RoleAssignment{row.text(0), row.text(1), row.text(2)});
    }
    return out;
  });
}

std::vector<Project> AssignmentStore::projects_of(const std::string& user_id, bool enabled_only) {
  std::string sql = std::string("SELECT DISTINCT ") + ProjectStore::kColumns +
                    " FROM projects JOIN role_assignments ON role_assignments.project_id = "
                    "projects.id WHERE role_assignments.user_id = ?";
  if (enabled_only) {
    sql += " AND projects.enabled = 1";
  }
  sql += " ORDER BY projects.name";
  return db_.read([&](store::SqlSession& s) {
    std::vector<Project> out;
    for (const auto& row : s.query(sql, {user_id})) {
      out.push_back(ProjectStore::from_row(row));
    }
    return out;
  });
}

}  // namespace neutrino::identity
