#pragma once
// Address scopes (Neutron's address-scope extension): a named IPv4 or IPv6 space whose subnet
// pools never overlap, so that addresses inside one scope are unique.
#include <optional>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "controller/ipam/cidr.hpp"
#include "controller/neutron/policy.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::neutron {

// What a subnet pool asks of the scope it joins or stays in.
struct ScopedPool {
  std::string id;  // the pool's id (its own prefixes never conflict with themselves)
  std::string project_id;
  int ip_version;
  std::vector<ipam::Cidr> prefixes;
};

class AddressScopeService {
 public:
  Json create(store::SqlSession& s, const AuthContext& ctx, const Json& attributes) const;
  Json show(store::SqlSession& s, const AuthContext& ctx, const std::string& id) const;
  std::vector<Json> list(store::SqlSession& s, const AuthContext& ctx) const;
  Json update(store::SqlSession& s, const AuthContext& ctx, const std::string& id,
              const Json& attributes) const;
  void remove(store::SqlSession& s, const AuthContext& ctx, const std::string& id) const;

  // Address scopes carry no revision: nothing to mark.
  static void touch(store::SqlSession&, const std::string&) {}

  // Checks that `pool` may be in scope `scope_id` (400 bad id or IP version, 404 unknown or
  // invisible scope, 400 another project's scope for a non-admin, 409 AddressScopePrefixConflict
  // when its prefixes overlap another pool's in the scope).
  static void check_pool(store::SqlSession& s, const AuthContext& ctx, const std::string& scope_id,
                         const ScopedPool& pool);
  // The scope's owner.
  static std::string owner(store::SqlSession& s, const std::string& scope_id);

 private:
  std::vector<Json> load(store::SqlSession& s, const AuthContext& ctx,
                         const std::optional<std::string>& id) const;
};

}  // namespace neutrino::neutron
