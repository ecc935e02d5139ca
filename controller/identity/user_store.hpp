#pragma once
// Users in the store. Passwords are hashed before the write transaction opens, because the
// KDF is slow on purpose and must not hold the store's write lock.
#include <optional>
#include <string>
#include <vector>

#include "controller/identity/identity_records.hpp"
#include "controller/identity/password_hasher.hpp"
#include "controller/store/database.hpp"

namespace neutrino::identity {

struct NewUser {
  std::string name;
  std::string domain_id = kDefaultDomainId;
  std::optional<std::string> password;  // none: the user cannot authenticate by password
  std::optional<std::string> email;
  std::string description;
  bool enabled = true;
  std::optional<std::string> default_project_id;
  bool ignore_lockout_failure_attempts = false;
};

// Outer optional: change it or not; inner nullopt: clear it (JSON null).
struct UserChanges {
  std::optional<std::string> name;
  std::optional<std::string> password;
  std::optional<std::optional<std::string>> email;
  std::optional<std::string> description;
  std::optional<bool> enabled;
  std::optional<std::optional<std::string>> default_project_id;
  std::optional<bool> ignore_lockout_failure_attempts;
};

struct UserFilter {
  std::optional<std::string> name;
  std::optional<std::string> domain_id;
  std::optional<bool> enabled;
};

class UserStore {
 public:
  UserStore(store::Database& db, const PasswordHasher& hasher) : db_(db), hasher_(hasher) {}

  User create(const NewUser& user);
  std::optional<User> get(const std::string& id);
  std::optional<User> find_by_name(const std::string& domain_id, const std::string& name);
  std::vector<User> list(const UserFilter& filter = {});
  // A password change or disabling the user also revokes the user's tokens, as Keystone does;
  // leaving the user enabled clears its failed-login count (Keystone's unlock).
  User update(const std::string& id, const UserChanges& changes);
  // Also removes the user's role assignments and tokens (foreign keys cascade).
  void remove(const std::string& id);

 private:
  store::Database& db_;
  const PasswordHasher& hasher_;
};

}  // namespace neutrino::identity
