#pragma once
// The rows of one resource a caller may see, chosen in SQL as Neutron's policy has it: an
// admin lists every row, a member the rows some term grants it (its project's own, those an
// RBAC policy shares with it, ...). A show selects its one row by id; whether the caller may
// see it is the service's check.
#include <optional>
#include <string>
#include <vector>

#include "controller/neutron/policy.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::neutron {

struct ScopedSelect {
  std::string select;     // "SELECT <columns> FROM <table> [JOIN ...]"
  std::string id_column;  // "id", qualified ("n.id") when `select` joins
  // A member sees a row any of these grant; each binds the caller's project once
  // ("project_id = ?", RbacAccess::granted_clause(...)).
  std::vector<std::string> member_terms;
  std::string order = "";  // " ORDER BY ...", and a LIMIT if any
  // Conditions appended to the scope's (" AND (...)", as a list's SqlPrefilter has them).
  std::string narrowing = "";
  store::SqlParams narrowing_params = {};
  store::SqlParams select_params = {};  // what `select` itself binds

  struct Where {
    std::string sql;  // " WHERE ..."
    store::SqlParams params;
  };
  // The WHERE clause (scope and narrowing) and its parameters, without select_params.
  Where where(const AuthContext& ctx, const std::optional<std::string>& id) const;
  std::vector<store::SqlRow> rows(store::SqlSession& s, const AuthContext& ctx,
                                  const std::optional<std::string>& id) const;
};

}  // namespace neutrino::neutron
