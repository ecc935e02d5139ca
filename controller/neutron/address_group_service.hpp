#pragma once
// Address groups (Neutron's address-group extension): named sets of CIDRs a project keeps,
// which security group rules can name as their remote (security-groups-remote-address-group,
// not built yet). Sharing them (rbac-address-group) belongs to the RBAC work: visible() is
// the one place that decides who sees a group, and the hook for it.
#include <optional>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "controller/neutron/policy.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::neutron {

class AddressGroupService {
 public:
  Json create(store::SqlSession& s, const AuthContext& ctx, const Json& attributes) const;
  Json show(store::SqlSession& s, const AuthContext& ctx, const std::string& id) const;
  std::vector<Json> list(store::SqlSession& s, const AuthContext& ctx) const;
  Json update(store::SqlSession& s, const AuthContext& ctx, const std::string& id,
              const Json& attributes) const;
  void remove(store::SqlSession& s, const AuthContext& ctx, const std::string& id) const;
  // PUT .../add_addresses: 400 AddressesAlreadyExist when one is already in the group.
  Json add_addresses(store::SqlSession& s, const AuthContext& ctx, const std::string& id,
                     const Json& body) const;
  // PUT .../remove_addresses: 404 AddressesNotFound when one is not in the group.
  Json remove_addresses(store::SqlSession& s, const AuthContext& ctx, const std::string& id,
                        const Json& body) const;

  // A new revision and updated_at.
  static void touch(store::SqlSession& s, const std::string& id);

 private:
  std::vector<Json> load(store::SqlSession& s, const AuthContext& ctx,
                         const std::optional<std::string>& id) const;
};

}  // namespace neutrino::neutron
