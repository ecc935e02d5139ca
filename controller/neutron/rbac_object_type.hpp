#pragma once
// An object type RBAC policies may name ("network", "security_group", ...) and what the
// policy service needs to know about it. Another resource becomes shareable by adding its
// RbacObjectType to the NeutronApi's RbacObjectTypes (see rbac_object_types.cpp for the
// built-in ones): nothing else in the policy service changes.
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "controller/api/api_error.hpp"
#include "controller/neutron/rbac_access.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::neutron {

struct RbacObjectType {
  std::string name;                  // object_type as the API spells it
  std::vector<std::string> actions;  // the actions allowed on it
  // The owning project of the object, nullopt when it does not exist.
  std::function<std::optional<std::string>(store::SqlSession&, const std::string& id)> owner;
  // Projects other than the owner whose resources use the object (ports on a network, ...):
  // an access_as_shared grant they depend on may not be removed (RbacPolicyInUse).
  std::function<std::set<std::string>(store::SqlSession&, const std::string& id)> bound_projects;
  // Runs after a policy on the object was created, changed or removed, in the same
  // transaction: bumps the object's revision, keeps derived columns (shared, router:external)
  // in step.
  std::function<void(store::SqlSession&, const std::string& id)> changed;
  std::function<api::ApiError(const std::string& id)> not_found;
  // Optional: refuses (400) granting the object to `target` (a project or '*'), for objects
  // that need others to be shared first (a subnet pool's address scope).
  std::function<void(store::SqlSession&, const std::string& id, const std::string& target)>
      check_grant;
  // Optional: the projects other than the owner whose routers have their gateway on the
  // object (an external network): the access_as_external grant they depend on stays.
  std::function<std::set<std::string>(store::SqlSession&, const std::string& id)> gateway_projects;

  // The projects depending on a grant of `action` on the object.
  std::set<std::string> bound(store::SqlSession& s, const std::string& id,
                              const std::string& action) const {
    const auto& of = action == kAccessAsExternal ? gateway_projects : bound_projects;
    return of ? of(s, id) : std::set<std::string>{};
  }
};

class RbacObjectTypes {
 public:
  void add(RbacObjectType type) { types_.push_back(std::move(type)); }
  const RbacObjectType* find(const std::string& name) const {
    for (const auto& t : types_) {
      if (t.name == name) {
        return &t;
      }
    }
    return nullptr;
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& t : types_) {
      out.push_back(t.name);
    }
    return out;
  }

 private:
  std::vector<RbacObjectType> types_;
};

// Networks (shared and external), security groups, subnet pools and address scopes.
RbacObjectTypes builtin_rbac_object_types();

}  // namespace neutrino::neutron
