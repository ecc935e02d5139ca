#pragma once
// First start of an empty store, like `keystone-manage bootstrap`: the roles admin, member and
// reader, a project "admin" and a user "admin" holding the admin role on it.
#include <string>

#include "controller/identity/password_hasher.hpp"
#include "controller/store/database.hpp"

namespace neutrino::identity {

// True when no user exists yet, i.e. bootstrap() would create the admin.
bool needs_bootstrap(store::Database& db);

// Does nothing and returns false when any user exists; otherwise creates the above in one
// transaction and returns true.
bool bootstrap(store::Database& db, const PasswordHasher& hasher,
               const std::string& admin_password);

}  // namespace neutrino::identity
