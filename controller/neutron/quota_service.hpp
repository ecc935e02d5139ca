#pragma once
// Neutron's per-project quotas (the quotas, quota_details and quota-check-limit extensions):
// limits stored only where a project was given its own, usage counted from the resources, and
// the check a create runs inside its write transaction.
#include <cstdint>
#include <string>

#include "common/json.hpp"
#include "controller/neutron/policy.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::neutron {

class QuotaService {
 public:
  // {"network": 100, ...}: Neutron's defaults.
  static Json defaults();
  // The project's limits: its own where set, the defaults elsewhere.
  static Json limits(store::SqlSession& s, const std::string& project_id);
  // {"network": {"limit", "used", "reserved"}, ...}.
  static Json details(store::SqlSession& s, const std::string& project_id);
  // Every project with a limit of its own: its limits plus project_id and tenant_id.
  static Json list_non_default(store::SqlSession& s);
  // Sets the limits a PUT body's "quota" object names and returns the project's limits. With
  // check_limit, a limit below what the project already uses is refused (400).
  static Json update(store::SqlSession& s, const std::string& project_id, const Json& quota);
  // Back to the defaults; 404 when the project had no limit of its own.
  static void reset(store::SqlSession& s, const std::string& project_id);

  // Refuses (409 OverQuota) creating `delta` more `resource` for the project past its limit.
  // Concurrent checks of one project's resource queue on a row of quota_locks, so the count
  // and the insert that follows it cannot interleave with another's (SQLite's writers are
  // serial anyway; PostgreSQL's SERIALIZABLE retries the loser).
  static void enforce(store::SqlSession& s, const std::string& resource,
                      const std::string& project_id, int64_t delta = 1);

  // The checks creating one `resource` runs: enforce(resource), and for a security group also
  // room for the two egress rules it comes with, which Neutron counts as rules.
  static void enforce_create(store::SqlSession& s, const std::string& resource,
                             const std::string& project_id);

  // Neutron's policy: a member may read its own project's quotas, only an admin another's
  // (get_quota) or any change (update_quota, delete_quota). 403 otherwise.
  static void authorize_read(const AuthContext& ctx, const std::string& project_id);
  static void authorize_write(const AuthContext& ctx, const std::string& action);
};

}  // namespace neutrino::neutron
