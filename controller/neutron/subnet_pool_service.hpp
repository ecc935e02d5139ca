#pragma once
// Subnet pools (Neutron's subnet_allocation, default-subnetpools and subnetpool-prefix-ops
// extensions): prefixes a project's subnets are cut from, with prefix length bounds, an
// optional per-project quota of addresses, and at most one default pool per IP version.
#include <optional>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "controller/api/api_error.hpp"
#include "controller/ipam/cidr.hpp"
#include "controller/neutron/policy.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::neutron {

struct SubnetPoolInfo {
  std::string id;
  std::string project_id;
  int ip_version = 4;
  int default_prefixlen = 0;
  int min_prefixlen = 0;
  int max_prefixlen = 0;
  bool shared = false;
  bool is_default = false;
  std::optional<int64_t> default_quota;
  std::optional<std::string> address_scope_id;
  std::vector<ipam::Cidr> prefixes;  // compacted, in address order
};

class SubnetPoolService {
 public:
  Json create(store::SqlSession& s, const AuthContext& ctx, const Json& attributes) const;
  Json show(store::SqlSession& s, const AuthContext& ctx, const std::string& id) const;
  std::vector<Json> list(store::SqlSession& s, const AuthContext& ctx) const;
  Json update(store::SqlSession& s, const AuthContext& ctx, const std::string& id,
              const Json& attributes) const;
  void remove(store::SqlSession& s, const AuthContext& ctx, const std::string& id) const;
  // PUT .../add_prefixes and .../remove_prefixes with {"prefixes": [...]}: the pool, unwrapped.
  Json add_prefixes(store::SqlSession& s, const AuthContext& ctx, const std::string& id,
                    const Json& body) const;
  Json remove_prefixes(store::SqlSession& s, const AuthContext& ctx, const std::string& id,
                       const Json& body) const;

  // The pool if the caller may use it (own project, shared, or admin); 404 otherwise.
  static SubnetPoolInfo visible(store::SqlSession& s, const AuthContext& ctx,
                                const std::string& id);
  // The pool, whoever owns it; nullopt if there is none.
  static std::optional<SubnetPoolInfo> find(store::SqlSession& s, const std::string& id);
  // The default pool of an IP version, if one is set.
  static std::optional<std::string> default_pool(store::SqlSession& s, int ip_version);
  // Marks a change: bumps revision_number and updated_at.
  static void touch(store::SqlSession& s, const std::string& id);

 private:
  std::vector<Json> load(store::SqlSession& s, const AuthContext& ctx,
                         const std::optional<std::string>& id) const;
  // The pool if the caller may change it: 404 if invisible, 403 if only shared with it.
  static SubnetPoolInfo owned(store::SqlSession& s, const AuthContext& ctx, const std::string& id,
                              const char* action);
  static void replace_prefixes(store::SqlSession& s, const SubnetPoolInfo& pool,
                               const std::vector<ipam::Cidr>& prefixes);
};

// 404 SubnetPoolNotFound "Subnet pool <id> could not be found."
api::ApiError subnet_pool_not_found(const std::string& id);

}  // namespace neutrino::neutron
