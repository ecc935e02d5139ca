#pragma once
// /v2.0/rbac-policies: who may share which object with which project, as Neutron's
// rbac_db_mixin. A policy is seen and changed by its own project (or an admin); it may name
// only an object its project owns (unless admin); only admins grant to every project ('*');
// a grant others' resources depend on cannot be taken away (RbacPolicyInUse). Every change
// runs the object type's `changed` hook, which bumps the object's revision.
#include <string>
#include <vector>

#include "common/json.hpp"
#include "controller/neutron/policy.hpp"
#include "controller/neutron/rbac_object_type.hpp"
#include "controller/neutron/resource_schema.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::neutron {

class RbacPolicyService {
 public:
  explicit RbacPolicyService(const RbacObjectTypes& types) : types_(types) {}

  Json create(store::SqlSession& s, const AuthContext& ctx, const Json& attributes) const;
  Json show(store::SqlSession& s, const AuthContext& ctx, const std::string& id) const;
  std::vector<Json> list(store::SqlSession& s, const AuthContext& ctx) const;
  Json update(store::SqlSession& s, const AuthContext& ctx, const std::string& id,
              const Json& attributes) const;
  void remove(store::SqlSession& s, const AuthContext& ctx, const std::string& id) const;
  // Policies carry no revision.
  static void touch(store::SqlSession&, const std::string&) {}

 private:
  struct Policy {
    std::string id;
    std::string project_id;
    std::string object_type;
    std::string object_id;
    std::string action;
    std::string target;
  };
  static std::vector<Policy> load(store::SqlSession& s, const std::string& where,
                                  const store::SqlParams& params);
  static Json render(const Policy& p);
  // The policy if the caller may see it (its project's, or any for an admin); 404 otherwise.
  static Policy visible(store::SqlSession& s, const AuthContext& ctx, const std::string& id);
  const RbacObjectType& object_type(const std::string& name) const;
  // The object's owner; 404 for an admin naming a missing object, 400 for anyone else naming
  // an object their project does not own (Neutron: only admins manipulate others' objects).
  static std::string check_object(store::SqlSession& s, const AuthContext& ctx,
                                  const RbacObjectType& type, const std::string& object_id);
  // Neutron's order of refusals for a new or changed grant: '*' from a non-admin (403), the
  // object (check_object), the same grant twice (409 DuplicateRbacPolicy). Returns the owner.
  static std::string check_target(store::SqlSession& s, const AuthContext& ctx,
                                  const RbacObjectType& type, const Policy& p,
                                  const std::string& rule);

  const RbacObjectTypes& types_;
};

// The rbac_policy resource's attributes (Neutron's rbac extension).
const ResourceSchema& rbac_policy_schema();

// 404 RbacPolicyNotFound.
api::ApiError rbac_policy_not_found(const std::string& id);

}  // namespace neutrino::neutron
