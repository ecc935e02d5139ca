#pragma once
// Address groups (Neutron's address-group extension): named sets of CIDRs a project keeps,
// which security group rules can name as their remote (security-groups-remote-address-group).
// A group is seen by its project and the projects it is shared with (rbac-address-group), and
// changed only by its project. Every change of its addresses goes to the change journal.
#include <optional>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "controller/api/api_error.hpp"
#include "controller/neutron/policy.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::neutron {

// 404 AddressGroupNotFound.
api::ApiError address_group_not_found(const std::string& id);

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
  // Whether a rule of `project` may name the group: it exists and is the project's, shared
  // with it, or the caller is admin.
  static bool usable(store::SqlSession& s, const AuthContext& ctx, const std::string& project,
                     const std::string& id);

 private:
  std::vector<Json> load(store::SqlSession& s, const AuthContext& ctx,
                         const std::optional<std::string>& id) const;
};

}  // namespace neutrino::neutron
