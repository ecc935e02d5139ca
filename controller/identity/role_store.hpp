#pragma once
// Roles in the store. Roles are global (Keystone's domain-specific roles are not supported).
#include <optional>
#include <string>
#include <vector>

#include "controller/identity/identity_records.hpp"
#include "controller/store/database.hpp"

namespace neutrino::identity {

class RoleStore {
 public:
  explicit RoleStore(store::Database& db) : db_(db) {}

  Role create(const std::string& name);
  std::optional<Role> get(const std::string& id);
  std::optional<Role> find_by_name(const std::string& name);
  std::vector<Role> list(const std::optional<std::string>& name = std::nullopt);
  Role rename(const std::string& id, const std::string& name);
  // Also removes every assignment of the role (foreign keys cascade) and revokes the tokens
  // those assignments backed.
  void remove(const std::string& id);

 private:
  store::Database& db_;
};

}  // namespace neutrino::identity
