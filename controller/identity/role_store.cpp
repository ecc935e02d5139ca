#include "controller/identity/role_store.hpp"

#include "common/random.hpp"
#include "controller/identity/identity_errors.hpp"
#include "controller/identity/token_revocation.hpp"

namespace neutrino::identity {
namespace {

std::optional<Role> first(const std::vector<store::SqlRow>& rows) {
  if (rows.empty()) {
    return std::nullopt;
  }
  return Role{rows.front().text(0), rows.front().text(1)};
}

api::ApiError duplicate(const std::string& name) {
  return conflict_error("role", "Duplicate entry found with name " + name);
}

}  // namespace

Role RoleStore::create(const std::string& name) {
  Role role{random::hex(random::bytes(16)), name};
  try {
    db_.write([&](store::SqlSession& s) {
      s.execute("INSERT INTO roles (id, name) VALUES (?, ?)", {role.id, role.name});
    });
  } catch (const store::ConstraintViolation&) {
    throw duplicate(name);
  }
  return role;
}

std::optional<Role> RoleStore::get(const std::string& id) {
  return db_.read([&](store::SqlSession& s) {
    return first(s.query("SELECT id, name FROM roles WHERE id = ?", {id}));
  });
}

std::optional<Role> RoleStore::find_by_name(const std::string& name) {
  return db_.read([&](store::SqlSession& s) {
    return first(s.query("SELECT id, name FROM roles WHERE name = ?", {name}));
  });
}

std::vector<Role> RoleStore::list(const std::optional<std::string>& name) {
  return db_.read([&](store::SqlSession& s) {
    const auto rows = name ? s.query("SELECT id, name FROM roles WHERE name = ?", {*name})
                           : s.query("SELECT id, name FROM roles ORDER BY name");
    std::vector<Role> out;
    for (const auto& row : rows) {
      out.push_back(Role{row.text(0), row.text(1)});
    }
    return out;
  });
}

Role RoleStore::rename(const std::string& id, const std::string& name) {
  try {
    db_.write([&](store::SqlSession& s) {
      if (s.execute("UPDATE roles SET name = ? WHERE id = ?", {name, id}) == 0) {
        throw not_found_error("role", id);
      }
    });
  } catch (const store::ConstraintViolation&) {
    throw duplicate(name);
  }
  return Role{id, name};
}

void RoleStore::remove(const std::string& id) {
  db_.write([&](store::SqlSession& s) {
    TokenRevocation::of_role(s, id);
    if (s.execute("DELETE FROM roles WHERE id = ?", {id}) == 0) {
      throw not_found_error("role", id);
    }
  });
}

}  // namespace neutrino::identity
