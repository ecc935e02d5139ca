#include "controller/neutron/rbac_access.hpp"

#include "common/random.hpp"
#include "controller/api/api_error.hpp"

namespace neutrino::neutron {

bool RbacAccess::granted(store::SqlSession& s, const std::string& object_type,
                         const std::string& object_id, const std::string& action,
                         const std::string& project) {
  return !s.query(
               "SELECT 1 FROM rbac_policies WHERE object_type = ? AND object_id = ? AND "
               "action = ? AND target_project IN ('*', ?) LIMIT 1",
               {object_type, object_id, action, project})
              .empty();
}

std::string RbacAccess::granted_clause(const std::string& object_type, const std::string& action,
                                       const std::string& id_column) {
  // Both names come from this program's own constants, never from a request.
  return "EXISTS (SELECT 1 FROM rbac_policies rp WHERE rp.object_type = '" + object_type +
         "' AND rp.object_id = " + id_column + " AND rp.action = '" + action +
         "' AND rp.target_project IN ('*', ?))";
}

bool RbacAccess::has_wildcard(store::SqlSession& s, const std::string& object_type,
                              const std::string& object_id, const std::string& action) {
  return !s.query(
               "SELECT 1 FROM rbac_policies WHERE object_type = ? AND object_id = ? AND "
               "action = ? AND target_project = '*'",
               {object_type, object_id, action})
              .empty();
}

void RbacAccess::set_wildcard(store::SqlSession& s, const std::string& object_type,
                              const std::string& object_id, const std::string& action,
                              const std::string& owner, bool present) {
  if (has_wildcard(s, object_type, object_id, action) == present) {
    return;
  }
  if (present) {
    s.execute(
        "INSERT INTO rbac_policies (id, project_id, object_type, object_id, action, "
        "target_project) VALUES (?, ?, ?, ?, ?, '*')",
        {random::uuid4(), owner, object_type, object_id, action});
  } else {
    s.execute(
        "DELETE FROM rbac_policies WHERE object_type = ? AND object_id = ? AND action = ? AND "
        "target_project = '*'",
        {object_type, object_id, action});
  }
}

void RbacAccess::remove_all(store::SqlSession& s, const std::string& object_type,
                            const std::string& object_id) {
  s.execute("DELETE FROM rbac_policies WHERE object_type = ? AND object_id = ?",
            {object_type, object_id});
}

void RbacAccess::check_removable(store::SqlSession& s, const std::string& object_type,
                                 const std::string& object_id, const std::string& owner,
                                 const std::string& action, const std::string& target,
                                 const std::set<std::string>& bound) {
  if (target == owner) {
    return;  // the owner's access never depended on a policy
  }
  std::set<std::string> remaining;
  for (const auto& r : s.query("SELECT target_project FROM rbac_policies WHERE object_type = ? "
                               "AND object_id = ? AND action = ? AND target_project <> ?",
                               {object_type, object_id, action, target})) {
    remaining.insert(r.text(0));
  }
  if (target != kAnyProject && (remaining.contains(kAnyProject) || !bound.contains(target))) {
    return;
  }
  for (const auto& project : bound) {
    if (project != owner && !remaining.contains(project) && !remaining.contains(kAnyProject) &&
        (target == kAnyProject || project == target)) {
      throw api::conflict("RbacPolicyInUse", "RBAC policy on object " + object_id +
                                                 " cannot be removed because other objects "
                                                 "depend on it.\nDetails: tenant_id=" +
                                                 target);
    }
  }
}

}  // namespace neutrino::neutron
