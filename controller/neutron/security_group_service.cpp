#include "controller/neutron/security_group_service.hpp"

#include <map>
#include <set>

#include "common/clock.hpp"
#include "common/random.hpp"
#include "controller/neutron/rbac_access.hpp"
#include "controller/neutron/scoped_select.hpp"
#include "controller/neutron/security_group_rule_service.hpp"
#include "controller/neutron/tag_store.hpp"
#include "controller/store/change_journal.hpp"

namespace neutrino::neutron {
namespace {

// Neutron's name_not_default validator, on create and update alike.
void check_name(const Json& attributes) {
  if (!attributes.contains("name")) {
    return;
  }
  std::string lower = attributes["name"].get<std::string>();
  for (auto& c : lower) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (lower == "default") {
    throw api::conflict("SecurityGroupDefaultAlreadyExists",
                        "Default security group already exists.");
  }
}

// The stateful-security-group extension: a group in use by ports keeps its statefulness,
// since its ports' firewalls would change mode under their open connections (Neutron: 409).
void check_stateful_change(store::SqlSession& s, const std::string& id, const Json& attributes) {
  if (!attributes.contains("stateful")) {
    return;
  }
  const auto current = s.query("SELECT stateful FROM securitygroups WHERE id = ?", {id});
  if (current[0].boolean(0) == attributes["stateful"].get<bool>()) {
    return;
  }
  if (!s.query("SELECT 1 FROM securitygroupportbindings WHERE security_group_id = ? LIMIT 1", {id})
           .empty()) {
    throw api::conflict("SecurityGroupInUse", "Security Group " + id + " in use.");
  }
}

// A new group's rules: egress to anywhere for IPv4 and IPv6 and, in a default group, ingress
// from the group's own members.
void insert_group(store::SqlSession& s, const std::string& id, const std::string& project,
                  const std::string& name, const std::string& description, bool is_default,
                  bool stateful = true) {
  const int64_t now = clock::now_unix_seconds();
  s.execute(
      "INSERT INTO securitygroups (id, project_id, name, description, stateful, "
      "revision_number, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?)",
      {id, project, name, description, int64_t{stateful}, now, now});
  store::ChangeJournal::append(s, store::JournalKind::kSecurityGroup, id);
  for (const char* ethertype : {"IPv4", "IPv6"}) {
    RuleInput rule;
    rule.security_group_id = id;
    rule.ethertype = ethertype;
    rule.description = std::nullopt;
    if (is_default) {
      rule.direction = "ingress";
      rule.remote_group_id = id;
      SecurityGroupRuleService::insert(s, project, rule);
      rule.remote_group_id.reset();
    }
    rule.direction = "egress";
    SecurityGroupRuleService::insert(s, project, rule);
  }
}

}  // namespace

api::ApiError security_group_not_found(const std::string& id) {
  return api::not_found("Security group " + id + " does not exist", "SecurityGroupNotFound");
}

std::string SecurityGroupService::visible(store::SqlSession& s, const AuthContext& ctx,
                                          const std::string& id) {
  const auto rows = s.query("SELECT project_id FROM securitygroups WHERE id = ?", {id});
  if (rows.empty() || !owns(ctx, rows[0].text(0))) {
    throw security_group_not_found(id);
  }
  return rows[0].text(0);
}

void SecurityGroupService::touch(store::SqlSession& s, const std::string& id) {
  s.execute(
      "UPDATE securitygroups SET revision_number = revision_number + 1, updated_at = ? "
      "WHERE id = ?",
      {clock::now_unix_seconds(), id});
  store::ChangeJournal::append(s, store::JournalKind::kSecurityGroup, id);
}

std::optional<std::string> SecurityGroupService::ensure_default(store::SqlSession& s,
                                                                const AuthContext& ctx,
                                                                const std::string& project_id) {
  if (project_id.empty() || !owns(ctx, project_id)) {
    return std::nullopt;
  }
  const std::string sql =
      "SELECT security_group_id FROM default_security_group WHERE project_id = ?";
  if (const auto rows = s.query(sql, {project_id}); !rows.empty()) {
    return rows[0].text(0);
  }
  const std::string id = random::uuid4();
  insert_group(s, id, project_id, "default", "Default security group", true);
  // Writes are serialised (one writer, BEGIN IMMEDIATE), so the SELECT above saw every default
  // there is; the primary key still refuses a second one should that ever change.
  s.execute("INSERT INTO default_security_group (project_id, security_group_id) VALUES (?, ?)",
            {project_id, id});
  return id;
}

void SecurityGroupService::prepare_list(store::SqlSession& s, const AuthContext& ctx,
                                        const http::QueryParams& query) {
  std::optional<std::string> project;
  for (const char* key : {"project_id", "tenant_id"}) {
    for (const auto& [k, v] : query) {
      if (!project && k == key) {
        project = v;
      }
    }
  }
  ensure_default(s, ctx, project.value_or(ctx.project_id));
}

Json SecurityGroupService::create(store::SqlSession& s, const AuthContext& ctx,
                                  const Json& attributes) const {
  const std::string project = owning_project(ctx, attributes);
  check_name(attributes);
  ensure_default(s, ctx, project);
  const std::string id = random::uuid4();
  insert_group(s, id, project, attributes.value("name", ""), attributes.value("description", ""),
               false, attributes.value("stateful", true));
  if (attributes.contains("tags")) {
    TagStore::replace(s, "security_groups", id, attributes["tags"]);
  }
  return show(s, ctx, id);
}

std::vector<Json> SecurityGroupService::load(store::SqlSession& s, const AuthContext& ctx,
                                             const std::optional<std::string>& id) const {
  const std::string columns =
      "SELECT id, project_id, name, description, stateful, revision_number, created_at, "
      "updated_at FROM securitygroups";
  const auto rows =
      ScopedSelect{.select = columns,
                   .id_column = "id",
                   .member_terms = {"project_id = ?",
                                    RbacAccess::granted_clause("security_group", kAccessAsShared,
                                                               "securitygroups.id")}}
          .rows(s, ctx, id);
  std::set<std::string> shared;  // with the caller's project, by a policy (rbac-security-groups)
  for (const auto& r : s.query("SELECT object_id FROM rbac_policies WHERE object_type = "
                               "'security_group' AND action = 'access_as_shared' AND "
                               "target_project IN ('*', ?)",
                               {ctx.project_id})) {
    shared.insert(r.text(0));
  }
  std::map<std::string, Json> rules;
  for (auto& rule : SecurityGroupRuleService::of_group(s, id)) {
    rules[rule["security_group_id"].get<std::string>()].push_back(std::move(rule));
  }
  auto tags = TagStore::load_for(s, "security_groups", IdSelection::of(id));
  std::vector<Json> out;
  for (const auto& r : rows) {
    const std::string group_id = r.text(0);
    const auto group_rules = rules.find(group_id);
    out.push_back(
        {{"id", group_id},
         {"name", r.text(2)},
         {"stateful", r.boolean(4)},
         {"tenant_id", r.text(1)},
         {"project_id", r.text(1)},
         {"description", r.text(3)},
         {"shared", shared.contains(group_id)},
         {"security_group_rules", group_rules == rules.end() ? Json::array() : group_rules->second},
         {"tags", tags[group_id]},
         {"revision_number", r.integer(5)},
         {"created_at", clock::format_iso8601(r.integer(6))},
         {"updated_at", clock::format_iso8601(r.integer(7))}});
  }
  return out;
}

Json SecurityGroupService::show(store::SqlSession& s, const AuthContext& ctx,
                                const std::string& id) const {
  // Shown also to the projects it is shared with; changed only by its own (visible()).
  if (!RbacAccess::granted(s, "security_group", id, kAccessAsShared, ctx.project_id)) {
    visible(s, ctx, id);
  }
  return load(s, ctx, id).front();
}

std::vector<Json> SecurityGroupService::list(store::SqlSession& s, const AuthContext& ctx) const {
  return load(s, ctx, std::nullopt);
}

Json SecurityGroupService::update(store::SqlSession& s, const AuthContext& ctx,
                                  const std::string& id, const Json& attributes) const {
  check_name(attributes);
  visible(s, ctx, id);
  check_stateful_change(s, id, attributes);
  const auto current = s.query("SELECT name FROM securitygroups WHERE id = ?", {id});
  if (current[0].text(0) == "default" && attributes.contains("name")) {
    throw api::conflict("SecurityGroupCannotUpdateDefault",
                        "Updating default security group not allowed.");
  }
  for (const char* column : {"name", "description"}) {
    if (attributes.contains(column)) {
      s.execute(std::string("UPDATE securitygroups SET ") + column + " = ? WHERE id = ?",
                {attributes[column].get<std::string>(), id});
    }
  }
  if (attributes.contains("stateful")) {
    s.execute("UPDATE securitygroups SET stateful = ? WHERE id = ?",
              {int64_t{attributes["stateful"].get<bool>()}, id});
  }
  touch(s, id);
  return show(s, ctx, id);
}

void SecurityGroupService::remove(store::SqlSession& s, const AuthContext& ctx,
                                  const std::string& id) const {
  visible(s, ctx, id);
  if (!s.query("SELECT 1 FROM securitygroupportbindings WHERE security_group_id = ? LIMIT 1", {id})
           .empty()) {
    throw api::conflict("SecurityGroupInUse", "Security Group " + id + " in use.");
  }
  const auto current = s.query("SELECT name FROM securitygroups WHERE id = ?", {id});
  if (current[0].text(0) == "default" && !ctx.is_admin()) {
    throw api::conflict("SecurityGroupCannotRemoveDefault",
                        "Insufficient rights for removing default security group.");
  }
  // Rules elsewhere that name this group as their remote go with it (ON DELETE CASCADE); their
  // groups change, so their revisions move.
  for (const auto& r : s.query("SELECT DISTINCT security_group_id FROM securitygrouprules WHERE "
                               "remote_group_id = ? AND security_group_id <> ?",
                               {id, id})) {
    touch(s, r.text(0));
  }
  TagStore::remove_all(s, "security_groups", id);
  RbacAccess::remove_all(s, "security_group", id);
  s.execute("DELETE FROM securitygroups WHERE id = ?", {id});
  store::ChangeJournal::append(s, store::JournalKind::kSecurityGroup, id);
}

}  // namespace neutrino::neutron
