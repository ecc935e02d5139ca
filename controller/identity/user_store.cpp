#include "controller/identity/user_store.hpp"

#include "common/clock.hpp"
#include "common/random.hpp"
#include "controller/identity/account_lockout.hpp"
#include "controller/identity/identity_errors.hpp"
#include "controller/identity/token_revocation.hpp"

namespace neutrino::identity {
namespace {

constexpr const char* kSelect =
    "SELECT id, name, domain_id, email, description, enabled, default_project_id, created_at, "
    "ignore_lockout_failure_attempts FROM users";

User from_row(const store::SqlRow& row) {
  User u;
  u.id = row.text(0);
  u.name = row.text(1);
  u.domain_id = row.text(2);
  u.email = row.optional_text(3);
  u.description = row.text(4);
  u.enabled = row.boolean(5);
  u.default_project_id = row.optional_text(6);
  u.created_at = row.integer(7);
  u.ignore_lockout_failure_attempts = row.boolean(8);
  return u;
}

std::optional<User> first(const std::vector<store::SqlRow>& rows) {
  if (rows.empty()) {
    return std::nullopt;
  }
  return from_row(rows.front());
}

api::ApiError duplicate(const std::string& name, const std::string& domain_id) {
  return conflict_error("user",
                        "Duplicate entry found with name " + name + " at domain ID " + domain_id);
}

}  // namespace

User UserStore::create(const NewUser& n) {
  User u;
  u.id = random::hex(random::bytes(16));
  u.name = n.name;
  u.domain_id = n.domain_id;
  u.email = n.email;
  u.description = n.description;
  u.enabled = n.enabled;
  u.default_project_id = n.default_project_id;
  u.created_at = clock::now_unix_seconds();
  u.ignore_lockout_failure_attempts = n.ignore_lockout_failure_attempts;
  const std::optional<std::string> hash =
      n.password ? std::optional<std::string>(hasher_.hash(*n.password)) : std::nullopt;
  try {
    db_.write([&](store::SqlSession& s) {
      s.execute(
          "INSERT INTO users (id, name, domain_id, password_hash, email, description, enabled, "
          "default_project_id, created_at, ignore_lockout_failure_attempts) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {u.id, u.name, u.domain_id, store::null_if_empty(hash), store::null_if_empty(u.email),
           u.description, int64_t{u.enabled}, store::null_if_empty(u.default_project_id),
           u.created_at, int64_t{u.ignore_lockout_failure_attempts}});
    });
  } catch (const store::ConstraintViolation&) {
    throw duplicate(u.name, u.domain_id);
  }
  return u;
}

std::optional<User> UserStore::get(const std::string& id) {
  return db_.read([&](store::SqlSession& s) {
    return first(s.query(std::string(kSelect) + " WHERE id = ?", {id}));
  });
}

std::optional<User> UserStore::find_by_name(const std::string& domain_id, const std::string& name) {
  return db_.read([&](store::SqlSession& s) {
    return first(
        s.query(std::string(kSelect) + " WHERE domain_id = ? AND name = ?", {domain_id, name}));
  });
}

std::vector<User> UserStore::list(const UserFilter& filter) {
  std::string sql = std::string(kSelect) + " WHERE 1 = 1";
  store::SqlParams params;
  if (filter.name) {
    sql += " AND name = ?";
    params.emplace_back(*filter.name);
  }
  if (filter.domain_id) {
    sql += " AND domain_id = ?";
    params.emplace_back(*filter.domain_id);
  }
  if (filter.enabled) {
    sql += " AND enabled = ?";
    params.emplace_back(int64_t{*filter.enabled});
  }
  sql += " ORDER BY name, id";
  return db_.read([&](store::SqlSession& s) {
    std::vector<User> out;
    for (const auto& row : s.query(sql, params)) {
      out.push_back(from_row(row));
    }
    return out;
  });
}

User UserStore::update(const std::string& id, const UserChanges& c) {
  const std::optional<std::string> hash =
      c.password ? std::optional<std::string>(hasher_.hash(*c.password)) : std::nullopt;
  try {
    return db_.write([&](store::SqlSession& s) {
      auto current = first(s.query(std::string(kSelect) + " WHERE id = ?", {id}));
      if (!current) {
        throw not_found_error("user", id);
      }
      User u = *current;
      u.name = c.name.value_or(u.name);
      u.email = c.email.value_or(u.email);
      u.description = c.description.value_or(u.description);
      u.enabled = c.enabled.value_or(u.enabled);
      u.default_project_id = c.default_project_id.value_or(u.default_project_id);
      u.ignore_lockout_failure_attempts =
          c.ignore_lockout_failure_attempts.value_or(u.ignore_lockout_failure_attempts);
      s.execute(
          "UPDATE users SET name = ?, email = ?, description = ?, enabled = ?, "
          "default_project_id = ?, ignore_lockout_failure_attempts = ? WHERE id = ?",
          {u.name, store::null_if_empty(u.email), u.description, int64_t{u.enabled},
           store::null_if_empty(u.default_project_id), int64_t{u.ignore_lockout_failure_attempts},
           u.id});
      if (hash) {
        s.execute("UPDATE users SET password_hash = ? WHERE id = ?", {*hash, u.id});
      }
      if (hash || !u.enabled) {
        TokenRevocation::of_user(s, u.id);
      }
      if (u.enabled) {
        // Keystone clears the failed-login count whenever a user is set enabled, which any
        // update of an enabled user does: this is how an admin unlocks one.
        AccountLockout::reset(s, u.id);
      }
      return u;
    });
  } catch (const store::ConstraintViolation&) {
    throw duplicate(c.name.value_or(""), kDefaultDomainId);
  }
}

void UserStore::remove(const std::string& id) {
  db_.write([&](store::SqlSession& s) {
    if (s.execute("DELETE FROM users WHERE id = ?", {id}) == 0) {
      throw not_found_error("user", id);
    }
  });
}

}  // namespace neutrino::identity
