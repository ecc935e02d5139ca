#pragma once
// Keystone's groups of users: created, renamed, listed by domain and name, deleted, and
// their members. Roles are granted to users only (no group grants yet).
#include <optional>
#include <string>
#include <vector>

#include "controller/store/database.hpp"

namespace neutrino::identity {

struct Group {
  std::string id;
  std::string domain_id;
  std::string name;
  std::string description;
};

class GroupStore {
 public:
  explicit GroupStore(store::Database& db) : db_(db) {}

  // 409 for a name the domain already has.
  Group create(const Group& group);
  std::optional<Group> get(const std::string& id);
  std::vector<Group> list(const std::optional<std::string>& domain_id,
                          const std::optional<std::string>& name);
  // 404 for an unknown group, 409 for a duplicate name.
  Group update(const std::string& id, const std::optional<std::string>& name,
               const std::optional<std::string>& description);
  void remove(const std::string& id);

  // 404 naming the group or the user that does not exist.
  void add_user(const std::string& group_id, const std::string& user_id);
  bool has_user(const std::string& group_id, const std::string& user_id);
  void remove_user(const std::string& group_id, const std::string& user_id);
  std::vector<std::string> user_ids(const std::string& group_id);
  std::vector<Group> groups_of(const std::string& user_id);

 private:
  store::Database& db_;
};

}  // namespace neutrino::identity
