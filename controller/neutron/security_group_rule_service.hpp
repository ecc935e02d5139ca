#pragma once
// Security group rules: create (checked as Neutron checks them, duplicates refused), show, list,
// update (description only) and delete. A rule change bumps its group's revision.
#include <optional>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "controller/neutron/policy.hpp"
#include "controller/neutron/security_group_rule_input.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::neutron {

class SecurityGroupRuleService {
 public:
  Json create(store::SqlSession& s, const AuthContext& ctx, const Json& attributes) const;
  Json show(store::SqlSession& s, const AuthContext& ctx, const std::string& id) const;
  std::vector<Json> list(store::SqlSession& s, const AuthContext& ctx) const;
  Json update(store::SqlSession& s, const AuthContext& ctx, const std::string& id,
              const Json& attributes) const;
  void remove(store::SqlSession& s, const AuthContext& ctx, const std::string& id) const;

  static void touch(store::SqlSession& s, const std::string& id);

  // Stores a rule that has passed its checks; returns its id.
  static std::string insert(store::SqlSession& s, const std::string& project_id,
                            const RuleInput& rule);
  // The rules of the groups (all groups when nullopt), rendered, in id order.
  static std::vector<Json> of_group(store::SqlSession& s, const std::optional<std::string>& group);

 private:
  std::vector<Json> load(store::SqlSession& s, const AuthContext& ctx,
                         const std::optional<std::string>& id) const;
};

}  // namespace neutrino::neutron
