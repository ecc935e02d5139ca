#include "controller/neutron/scoped_select.hpp"

namespace neutrino::neutron {

ScopedSelect::Where ScopedSelect::where(const AuthContext& ctx,
                                        const std::optional<std::string>& id) const {
  Where out;
  if (id) {
    out.sql = " WHERE " + id_column + " = ?";
    out.params.push_back(*id);
  } else if (ctx.is_admin()) {
    out.sql = " WHERE 1 = 1";
  } else {
    std::string any;
    for (const auto& term : member_terms) {
      any += (any.empty() ? "" : " OR ") + term;
      out.params.push_back(ctx.project_id);
    }
    // No term grants nothing: a member sees none of the rows.
    out.sql = " WHERE (" + (any.empty() ? std::string("1 = 0") : any) + ")";
  }
  out.sql += narrowing;
  out.params.insert(out.params.end(), narrowing_params.begin(), narrowing_params.end());
  return out;
}

std::vector<store::SqlRow> ScopedSelect::rows(store::SqlSession& s, const AuthContext& ctx,
                                              const std::optional<std::string>& id) const {
  const Where scope = where(ctx, id);
  store::SqlParams params = select_params;
  params.insert(params.end(), scope.params.begin(), scope.params.end());
  return s.query(select + scope.sql + order, params);
}

}  // namespace neutrino::neutron
