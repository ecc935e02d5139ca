#pragma once
// What RBAC policies grant: whether an object is shared with (or external to) a project, the
// SQL clause that lists what a project may see, the wildcard policy `shared=True` and
// `router:external=True` stand for, and the check that removing a grant strands nobody.
#include <set>
#include <string>

#include "controller/store/sql_session.hpp"

namespace neutrino::neutron {

inline constexpr const char* kAccessAsShared = "access_as_shared";
inline constexpr const char* kAccessAsExternal = "access_as_external";
inline constexpr const char* kAnyProject = "*";

class RbacAccess {
 public:
  // A policy of `action` on the object targets `project` or every project.
  static bool granted(store::SqlSession& s, const std::string& object_type,
                      const std::string& object_id, const std::string& action,
                      const std::string& project);
  // "EXISTS (...)" over rbac_policies for `object_type`'s `action`, the object's id taken from
  // `id_column`, qualified ("n.id", "subnetpools.id": a bare "id" would be the policy's own);
  // it binds one parameter, the viewer's project.
  static std::string granted_clause(const std::string& object_type, const std::string& action,
                                    const std::string& id_column);

  static bool has_wildcard(store::SqlSession& s, const std::string& object_type,
                           const std::string& object_id, const std::string& action);
  // Creates (owned by `owner`) or removes the wildcard policy of `action`; no-op when it
  // already is as asked.
  static void set_wildcard(store::SqlSession& s, const std::string& object_type,
                           const std::string& object_id, const std::string& action,
                           const std::string& owner, bool present);
  // Removes every policy on the object (the object is being deleted).
  static void remove_all(store::SqlSession& s, const std::string& object_type,
                         const std::string& object_id);

  // Neutron's RbacPolicyInUse check for taking away `target`'s grant of `action` on an
  // object owned by `owner`: throws 409 unless every project in `bound` (those whose
  // resources depend on that grant) keeps access through another policy of `action` or owns
  // the object.
  static void check_removable(store::SqlSession& s, const std::string& object_type,
                              const std::string& object_id, const std::string& owner,
                              const std::string& action, const std::string& target,
                              const std::set<std::string>& bound);
};

}  // namespace neutrino::neutron
