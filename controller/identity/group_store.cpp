#include "controller/identity/group_store.hpp"

#include "common/random.hpp"
#include "controller/identity/identity_errors.hpp"

namespace neutrino::identity {
namespace {

constexpr const char* kColumns = "id, domain_id, name, description";

Group from_row(const store::SqlRow& r) {
  return {r.text(0), r.text(1), r.text(2), r.text(3)};
}

api::ApiError duplicate(const std::string& name) {
  return conflict_error("group", "Duplicate entry found with name " + name);
}

void require(store::SqlSession& s, const char* table, const std::string& kind,
             const std::string& id) {
  if (s.query(std::string("SELECT 1 FROM ") + table + " WHERE id = ?", {id}).empty()) {
    throw not_found_error(kind, id);
  }
}

}  // namespace

Group GroupStore::create(const Group& group) {
  Group out = group;
  out.id = random::hex(random::bytes(16));
  try {
    db_.write([&](store::SqlSession& s) {
      s.execute("INSERT INTO \"group\" (id, domain_id, name, description) VALUES (?, ?, ?, ?)",
                {out.id, out.domain_id, out.name, out.description});
    });
  } catch (const store::ConstraintViolation&) {
    throw duplicate(out.name);
  }
  return out;
}

std::optional<Group> GroupStore::get(const std::string& id) {
  return db_.read([&](store::SqlSession& s) -> std::optional<Group> {
    const auto rows =
        s.query(std::string("SELECT ") + kColumns + " FROM \"group\" WHERE id = ?", {id});
    if (rows.empty()) {
      return std::nullopt;
    }
    return from_row(rows[0]);
  });
}

std::vector<Group> GroupStore::list(const std::optional<std::string>& domain_id,
                                    const std::optional<std::string>& name) {
  std::string sql = std::string("SELECT ") + kColumns + " FROM \"group\" WHERE 1 = 1";
  store::SqlParams params;
  if (domain_id) {
    sql += " AND domain_id = ?";
    params.emplace_back(*domain_id);
  }
  if (name) {
    sql += " AND name = ?";
    params.emplace_back(*name);
  }
  sql += " ORDER BY name";
  return db_.read([&](store::SqlSession& s) {
    std::vector<Group> out;
    for (const auto& row : s.query(sql, params)) {
      out.push_back(from_row(row));
    }
    return out;
  });
}

Group GroupStore::update(const std::string& id, const std::optional<std::string>& name,
                         const std::optional<std::string>& description) {
  try {
    db_.write([&](store::SqlSession& s) {
      require(s, "\"group\"", "group", id);
      if (name) {
        s.execute("UPDATE \"group\" SET name = ? WHERE id = ?", {*name, id});
      }
      if (description) {
        s.execute("UPDATE \"group\" SET description = ? WHERE id = ?", {*description, id});
      }
    });
  } catch (const store::ConstraintViolation&) {
    throw duplicate(name.value_or(""));
  }
  return *get(id);
}

void GroupStore::remove(const std::string& id) {
  db_.write([&](store::SqlSession& s) {
    if (s.execute("DELETE FROM \"group\" WHERE id = ?", {id}) == 0) {
      throw not_found_error("group", id);
    }
  });
}

void GroupStore::add_user(const std::string& group_id, const std::string& user_id) {
  db_.write([&](store::SqlSession& s) {
    require(s, "\"group\"", "group", group_id);
    require(s, "users", "user", user_id);
    s.execute(
        "INSERT INTO user_group_membership (user_id, group_id) VALUES (?, ?) "
        "ON CONFLICT DO NOTHING",
        {user_id, group_id});
  });
}

bool GroupStore::has_user(const std::string& group_id, const std::string& user_id) {
  return db_.read([&](store::SqlSession& s) {
    require(s, "\"group\"", "group", group_id);
    require(s, "users", "user", user_id);
    return !s.query("SELECT 1 FROM user_group_membership WHERE group_id = ? AND user_id = ?",
                    {group_id, user_id})
                .empty();
  });
}

void GroupStore::remove_user(const std::string& group_id, const std::string& user_id) {
  db_.write([&](store::SqlSession& s) {
    require(s, "\"group\"", "group", group_id);
    require(s, "users", "user", user_id);
    if (s.execute("DELETE FROM user_group_membership WHERE group_id = ? AND user_id = ?",
                  {group_id, user_id}) == 0) {
      throw api::not_found("User '" + user_id + "' not found in group '" + group_id + "'.",
                           "NotFound");
    }
  });
}

std::vector<std::string> GroupStore::user_ids(const std::string& group_id) {
  return db_.read([&](store::SqlSession& s) {
    require(s, "\"group\"", "group", group_id);
    std::vector<std::string> out;
    for (const auto& row :
         s.query("SELECT user_id FROM user_group_membership WHERE group_id = ? ORDER BY user_id",
                 {group_id})) {
      out.push_back(row.text(0));
    }
    return out;
  });
}

std::vector<Group> GroupStore::groups_of(const std::string& user_id) {
  return db_.read([&](store::SqlSession& s) {
    require(s, "users", "user", user_id);
    std::vector<Group> out;
    for (const auto& row :
         s.query("SELECT g.id, g.domain_id, g.name, g.description FROM \"group\" g JOIN "
                 "user_group_membership m ON m.group_id = g.id WHERE m.user_id = ? ORDER BY "
                 "g.name",
                 {user_id})) {
      out.push_back(from_row(row));
    }
    return out;
  });
}

}  // namespace neutrino::identity
