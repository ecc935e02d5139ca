#include "controller/neutron/rbac_policy_service.hpp"

#include <algorithm>

#include "common/random.hpp"
#include "controller/api/api_error.hpp"
#include "controller/neutron/rbac_access.hpp"
#include "controller/neutron/scoped_select.hpp"

namespace neutrino::neutron {
namespace {

constexpr const char* kColumns =
    "SELECT id, project_id, object_type, object_id, action, target_project FROM rbac_policies";

std::string python_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const auto& item : items) {
    out += (out.size() > 1 ? ", '" : "'") + item + "'";
  }
  return out + "]";
}

// target_tenant, or target_project as newer clients name it; they must agree when both come.
std::optional<std::string> requested_target(const Json& attributes) {
  const auto tenant = attributes.find("target_tenant");
  const auto project = attributes.find("target_project");
  if (tenant != attributes.end() && project != attributes.end() && *tenant != *project) {
    throw api::bad_request("'target_tenant' and 'target_project' do not match");
  }
  if (tenant != attributes.end()) {
    return tenant->get<std::string>();
  }
  if (project != attributes.end()) {
    return project->get<std::string>();
  }
  return std::nullopt;
}

}  // namespace

const ResourceSchema& rbac_policy_schema() {
  using T = AttrType;
  static const ResourceSchema schema("rbac_policy", "rbac_policies",
                                     {
                                         {"id", T::kString, false, false},
                                         {"object_type", T::kString, true, false, true},
                                         {"object_id", T::kUuid, true, false, true},
                                         {"action", T::kString, true, false, true},
                                         {"target_tenant", T::kString, true, true},
                                         {"target_project", T::kString, true, true},
                                         {"project_id", T::kString, true, false},
                                         {"tenant_id", T::kString, true, false},
                                     });
  return schema;
}

api::ApiError rbac_policy_not_found(const std::string& id) {
  return api::not_found("RBAC policy of type unknown with ID " + id + " not found",
                        "RbacPolicyNotFound");
}

std::vector<RbacPolicyService::Policy> RbacPolicyService::load(store::SqlSession& s,
                                                               const std::string& where,
                                                               const store::SqlParams& params) {
  std::vector<Policy> out;
  for (const auto& r : s.query(std::string(kColumns) + where, params)) {
    out.push_back({r.text(0), r.text(1), r.text(2), r.text(3), r.text(4), r.text(5)});
  }
  return out;
}

Json RbacPolicyService::render(const Policy& p) {
  return {{"id", p.id},
          {"project_id", p.project_id},
          {"tenant_id", p.project_id},
          {"object_type", p.object_type},
          {"object_id", p.object_id},
          {"action", p.action},
          {"target_tenant", p.target}};
}

RbacPolicyService::Policy RbacPolicyService::visible(store::SqlSession& s, const AuthContext& ctx,
                                                     const std::string& id) {
  auto found = load(s, " WHERE id = ?", {id});
  if (found.empty() || !owns(ctx, found[0].project_id)) {
    throw rbac_policy_not_found(id);
  }
  return found[0];
}

const RbacObjectType& RbacPolicyService::object_type(const std::string& name) const {
  const RbacObjectType* type = types_.find(name);
  if (!type) {
    throw api::bad_request(
        "Invalid input for operation: '" + name + "' is not a valid RBAC object type.",
        "InvalidInput");
  }
  return *type;
}

std::string RbacPolicyService::check_object(store::SqlSession& s, const AuthContext& ctx,
                                            const RbacObjectType& type,
                                            const std::string& object_id) {
  const auto owner = type.owner(s, object_id);
  if (!ctx.is_admin() && (!owner || *owner != ctx.project_id)) {
    throw api::bad_request(
        "Invalid input for operation: Only admins can manipulate policies on objects they do "
        "not own.",
        "InvalidInput");
  }
  if (!owner) {
    throw type.not_found(object_id);
  }
  return *owner;
}

std::string RbacPolicyService::check_target(store::SqlSession& s, const AuthContext& ctx,
                                            const RbacObjectType& type, const Policy& p,
                                            const std::string& rule) {
  if (p.target == kAnyProject) {
    require_admin_for(ctx, rule, "target_tenant");
  }
  std::string owner = check_object(s, ctx, type, p.object_id);
  if (type.check_grant) {
    type.check_grant(s, p.object_id, p.target);
  }
  if (!load(s,
            " WHERE object_type = ? AND object_id = ? AND action = ? AND target_project = ? "
            "AND id <> ?",
            {p.object_type, p.object_id, p.action, p.target, p.id})
           .empty()) {
    throw api::conflict("DuplicateRbacPolicy", "An RBAC policy already exists with those values.");
  }
  return owner;
}

Json RbacPolicyService::create(store::SqlSession& s, const AuthContext& ctx,
                               const Json& attributes) const {
  Policy p;
  p.project_id = owning_project(ctx, attributes);
  std::string type_name = attributes["object_type"].get<std::string>();
  type_name.erase(0, type_name.find_first_not_of(" \t"));
  type_name.erase(type_name.find_last_not_of(" \t") + 1);
  std::transform(type_name.begin(), type_name.end(), type_name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const RbacObjectType& type = object_type(type_name);
  p.object_type = type.name;
  p.object_id = attributes["object_id"].get<std::string>();
  p.action = attributes["action"].get<std::string>();
  if (std::find(type.actions.begin(), type.actions.end(), p.action) == type.actions.end()) {
    throw api::bad_request("Invalid action '" + p.action + "' for object type '" + type.name +
                               "'. Valid actions: " + python_list(type.actions),
                           "InvalidActionForType");
  }
  const auto target = requested_target(attributes);
  if (!target) {
    throw api::bad_request(
        "Failed to parse request. Required attribute 'target_tenant' not "
        "specified");
  }
  p.target = *target;
  p.id = random::uuid4();
  check_target(s, ctx, type, p, "create_rbac_policy");
  s.execute(
      "INSERT INTO rbac_policies (id, project_id, object_type, object_id, action, "
      "target_project) VALUES (?, ?, ?, ?, ?, ?)",
      {p.id, p.project_id, p.object_type, p.object_id, p.action, p.target});
  type.changed(s, p.object_id);
  return render(p);
}

Json RbacPolicyService::show(store::SqlSession& s, const AuthContext& ctx,
                             const std::string& id) const {
  return render(visible(s, ctx, id));
}

std::vector<Json> RbacPolicyService::list(store::SqlSession& s, const AuthContext& ctx) const {
  const auto scope =
      ScopedSelect{.id_column = "id", .member_terms = {"project_id = ?"}}.where(ctx, std::nullopt);
  std::vector<Json> out;
  for (const auto& p : load(s, scope.sql + " ORDER BY id", scope.params)) {
    out.push_back(render(p));
  }
  return out;
}

Json RbacPolicyService::update(store::SqlSession& s, const AuthContext& ctx, const std::string& id,
                               const Json& attributes) const {
  Policy p = visible(s, ctx, id);
  const auto target = requested_target(attributes);
  if (!target || *target == p.target) {
    return render(p);
  }
  const RbacObjectType& type = object_type(p.object_type);
  const std::string previous = p.target;
  p.target = *target;
  const std::string owner = check_target(s, ctx, type, p, "update_rbac_policy");
  s.execute("UPDATE rbac_policies SET target_project = ? WHERE id = ?", {p.target, id});
  // Moving a grant away from a project is removing it from that project, checked once the
  // new target holds it (a refusal rolls the update back with the transaction).
  RbacAccess::check_removable(s, type.name, p.object_id, owner, p.action, previous,
                              type.bound(s, p.object_id, p.action));
  type.changed(s, p.object_id);
  return render(p);
}

void RbacPolicyService::remove(store::SqlSession& s, const AuthContext& ctx,
                               const std::string& id) const {
  const Policy p = visible(s, ctx, id);
  const RbacObjectType& type = object_type(p.object_type);
  const auto owner = type.owner(s, p.object_id);
  if (owner) {
    RbacAccess::check_removable(s, type.name, p.object_id, *owner, p.action, p.target,
                                type.bound(s, p.object_id, p.action));
  }
  s.execute("DELETE FROM rbac_policies WHERE id = ?", {id});
  type.changed(s, p.object_id);
}

}  // namespace neutrino::neutron
