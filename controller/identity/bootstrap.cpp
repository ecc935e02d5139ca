#include "controller/identity/bootstrap.hpp"

#include "common/clock.hpp"
#include "common/log.hpp"
#include "common/random.hpp"
#include "controller/identity/identity_records.hpp"

namespace neutrino::identity {
namespace {

std::string new_id() {
  return random::hex(random::bytes(16));
}

// The id of the named role, creating it if missing (a store may have roles but no users).
std::string ensure_role(store::SqlSession& s, const std::string& name) {
  const auto rows = s.query("SELECT id FROM roles WHERE name = ?", {name});
  if (!rows.empty()) {
    return rows.front().text(0);
  }
  const std::string id = new_id();
  s.execute("INSERT INTO roles (id, name) VALUES (?, ?)", {id, name});
  return id;
}

}  // namespace

bool needs_bootstrap(store::Database& db) {
  return db.read(
      [](store::SqlSession& s) { return s.query("SELECT 1 FROM users LIMIT 1").empty(); });
}

bool bootstrap(store::Database& db, const PasswordHasher& hasher,
               const std::string& admin_password) {
  if (!needs_bootstrap(db)) {
    return false;
  }
  // Hashing is slow; do it before taking the write lock.
  const std::string hash = hasher.hash(admin_password);
  const int64_t now = clock::now_unix_seconds();
  const bool created = db.write([&](store::SqlSession& s) {
    // Re-checked inside the transaction: two controllers starting together bootstrap once.
    if (!s.query("SELECT 1 FROM users LIMIT 1").empty()) {
      return false;
    }
    const std::string admin_role = ensure_role(s, "admin");
    ensure_role(s, "member");
    ensure_role(s, "reader");
    std::string project_id;
    const auto projects = s.query("SELECT id FROM projects WHERE domain_id = ? AND name = ?",
                                  {kDefaultDomainId, std::string("admin")});
    if (projects.empty()) {
      project_id = new_id();
      s.execute(
          "INSERT INTO projects (id, name, domain_id, description, enabled, created_at) "
          "VALUES (?, 'admin', ?, 'Bootstrap project for initializing the cloud.', 1, ?)",
          {project_id, kDefaultDomainId, now});
    } else {
      project_id = projects.front().text(0);
    }
    const std::string user_id = new_id();
    s.execute(
        "INSERT INTO users (id, name, domain_id, password_hash, enabled, default_project_id, "
        "created_at) VALUES (?, 'admin', ?, ?, 1, ?, ?)",
        {user_id, kDefaultDomainId, hash, project_id, now});
    s.execute("INSERT INTO role_assignments (user_id, project_id, role_id) VALUES (?, ?, ?)",
              {user_id, project_id, admin_role});
    return true;
  });
  if (created) {
    log::info("bootstrapped identity: user admin with role admin on project admin");
  }
  return created;
}

}  // namespace neutrino::identity
