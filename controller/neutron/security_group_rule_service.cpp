#include "controller/neutron/security_group_rule_service.hpp"

#include "common/clock.hpp"
#include "common/random.hpp"
#include "controller/api/api_error.hpp"
#include "controller/neutron/address_group_service.hpp"
#include "controller/neutron/scoped_select.hpp"
#include "controller/neutron/security_group_service.hpp"

namespace neutrino::neutron {
namespace {

const std::string kColumns =
    "SELECT r.id, r.project_id, r.security_group_id, r.ethertype, r.direction, r.protocol, "
    "r.port_range_min, r.port_range_max, r.remote_ip_prefix, r.remote_group_id, r.description, "
    "r.revision_number, r.created_at, r.updated_at, r.remote_address_group_id FROM "
    "securitygrouprules r";

api::ApiError rule_not_found(const std::string& id) {
  return api::not_found("Security group rule " + id + " does not exist",
                        "SecurityGroupRuleNotFound");
}

Json text_or_null(const store::SqlRow& r, size_t i) {
  return r.is_null(i) ? Json(nullptr) : Json(r.text(i));
}

Json int_or_null(const store::SqlRow& r, size_t i) {
  return r.is_null(i) ? Json(nullptr) : Json(r.integer(i));
}

std::optional<int64_t> optional_int(const store::SqlRow& r, size_t i) {
  return r.is_null(i) ? std::nullopt : std::optional(r.integer(i));
}

Json render(const store::SqlRow& r) {
  const Json prefix = text_or_null(r, 8);
  const auto normalized = normalized_cidr(r.is_null(8) ? std::nullopt : std::optional(r.text(8)));
  return {{"id", r.text(0)},
          {"tenant_id", r.text(1)},
          {"project_id", r.text(1)},
          {"security_group_id", r.text(2)},
          {"ethertype", r.text(3)},
          {"direction", r.text(4)},
          {"protocol", text_or_null(r, 5)},
          {"port_range_min", int_or_null(r, 6)},
          {"port_range_max", int_or_null(r, 7)},
          {"remote_ip_prefix", prefix},
          {"remote_address_group_id", text_or_null(r, 14)},
          {"normalized_cidr", normalized ? Json(*normalized) : Json(nullptr)},
          {"remote_group_id", text_or_null(r, 9)},
          {"description", text_or_null(r, 10)},
          {"tags", Json::array()},
          {"revision_number", r.integer(11)},
          {"created_at", clock::format_iso8601(r.integer(12))},
          {"updated_at", clock::format_iso8601(r.integer(13))}};
}

RuleInput stored_rule(const store::SqlRow& r) {
  RuleInput rule;
  rule.security_group_id = r.text(2);
  rule.ethertype = r.text(3);
  rule.direction = r.text(4);
  rule.protocol = r.is_null(5) ? std::nullopt : std::optional(r.text(5));
  rule.port_range_min = optional_int(r, 6);
  rule.port_range_max = optional_int(r, 7);
  rule.remote_ip_prefix = r.is_null(8) ? std::nullopt : std::optional(r.text(8));
  rule.remote_group_id = r.is_null(9) ? std::nullopt : std::optional(r.text(9));
  rule.remote_address_group_id = r.is_null(14) ? std::nullopt : std::optional(r.text(14));
  return rule;
}

// A group a rule may live in or point at: the rule's own project's, or any group for an admin.
void check_group_usable(store::SqlSession& s, const AuthContext& ctx, const std::string& project,
                        const std::string& group_id) {
  const auto rows = s.query("SELECT project_id FROM securitygroups WHERE id = ?", {group_id});
  if (rows.empty() || !(ctx.is_admin() || rows[0].text(0) == project)) {
    throw security_group_not_found(group_id);
  }
}

}  // namespace

void SecurityGroupRuleService::touch(store::SqlSession& s, const std::string& id) {
  s.execute(
      "UPDATE securitygrouprules SET revision_number = revision_number + 1, updated_at = ? "
      "WHERE id = ?",
      {clock::now_unix_seconds(), id});
}

std::string SecurityGroupRuleService::insert(store::SqlSession& s, const std::string& project_id,
                                             const RuleInput& rule) {
  const std::string id = random::uuid4();
  const int64_t now = clock::now_unix_seconds();
  auto value = [](const auto& v) -> store::SqlValue {
    if (!v) {
      return std::monostate{};
    }
    return *v;
  };
  s.execute(
      "INSERT INTO securitygrouprules (id, project_id, security_group_id, remote_group_id, "
      "direction, ethertype, protocol, port_range_min, port_range_max, remote_ip_prefix, "
      "description, remote_address_group_id, revision_number, created_at, updated_at) VALUES (?, "
      "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)",
      {id, project_id, rule.security_group_id, value(rule.remote_group_id), rule.direction,
       rule.ethertype, value(rule.protocol), value(rule.port_range_min), value(rule.port_range_max),
       value(rule.remote_ip_prefix), value(rule.description), value(rule.remote_address_group_id),
       now, now});
  return id;
}

std::vector<Json> SecurityGroupRuleService::of_group(store::SqlSession& s,
                                                     const std::optional<std::string>& group) {
  std::vector<Json> out;
  for (const auto& r :
       group ? s.query(kColumns + " WHERE r.security_group_id = ? ORDER BY r.id", {*group})
             : s.query(kColumns + " ORDER BY r.id")) {
    out.push_back(render(r));
  }
  return out;
}

Json SecurityGroupRuleService::create(store::SqlSession& s, const AuthContext& ctx,
                                      const Json& attributes) const {
  const std::string project = owning_project(ctx, attributes);
  const RuleInput rule = parse_rule_input(attributes);
  if (rule.remote_group_id) {
    check_group_usable(s, ctx, project, *rule.remote_group_id);
  }
  check_group_usable(s, ctx, project, rule.security_group_id);
  if (rule.remote_address_group_id &&
      !AddressGroupService::usable(s, ctx, project, *rule.remote_address_group_id)) {
    throw address_group_not_found(*rule.remote_address_group_id);
  }
  const std::string key = rule_key(rule);
  for (const auto& r : s.query(kColumns + " WHERE r.security_group_id = ? ORDER BY r.id",
                               {rule.security_group_id})) {
    if (rule_key(stored_rule(r)) == key) {
      throw api::conflict("SecurityGroupRuleExists",
                          "Security group rule already exists. Rule id is " + r.text(0) + ".");
    }
  }
  const std::string id = insert(s, project, rule);
  SecurityGroupService::touch(s, rule.security_group_id);
  return show(s, ctx, id);
}

std::vector<Json> SecurityGroupRuleService::load(store::SqlSession& s, const AuthContext& ctx,
                                                 const std::optional<std::string>& id) const {
  // A member sees the rules it owns and every rule of the groups it owns.
  const auto rows = ScopedSelect{.select = kColumns,
                                 .id_column = "r.id",
                                 .member_terms = {"r.project_id = ?",
                                                  "r.security_group_id IN (SELECT id FROM "
                                                  "securitygroups WHERE project_id = ?)"}}
                        .rows(s, ctx, id);
  std::vector<Json> out;
  for (const auto& r : rows) {
    out.push_back(render(r));
  }
  return out;
}

Json SecurityGroupRuleService::show(store::SqlSession& s, const AuthContext& ctx,
                                    const std::string& id) const {
  const auto rows = s.query(
      "SELECT r.project_id, g.project_id FROM securitygrouprules r JOIN securitygroups g ON "
      "g.id = r.security_group_id WHERE r.id = ?",
      {id});
  if (rows.empty() || !(owns(ctx, rows[0].text(0)) || owns(ctx, rows[0].text(1)))) {
    throw rule_not_found(id);
  }
  return load(s, ctx, id).front();
}

std::vector<Json> SecurityGroupRuleService::list(store::SqlSession& s,
                                                 const AuthContext& ctx) const {
  return load(s, ctx, std::nullopt);
}

Json SecurityGroupRuleService::update(store::SqlSession& s, const AuthContext& ctx,
                                      const std::string& id, const Json& attributes) const {
  show(s, ctx, id);
  if (attributes.contains("description")) {
    s.execute("UPDATE securitygrouprules SET description = ? WHERE id = ?",
              {attributes["description"].is_null()
                   ? store::SqlValue(std::monostate{})
                   : store::SqlValue(attributes["description"].get<std::string>()),
               id});
  }
  touch(s, id);
  return show(s, ctx, id);
}

void SecurityGroupRuleService::remove(store::SqlSession& s, const AuthContext& ctx,
                                      const std::string& id) const {
  const std::string group = show(s, ctx, id)["security_group_id"];
  s.execute("DELETE FROM securitygrouprules WHERE id = ?", {id});
  SecurityGroupService::touch(s, group);
}

}  // namespace neutrino::neutron
