#include "controller/identity/project_store.hpp"

#include "common/clock.hpp"
#include "common/random.hpp"
#include "controller/identity/identity_errors.hpp"
#include "controller/identity/token_revocation.hpp"

namespace neutrino::identity {
namespace {

api::ApiError duplicate(const std::string& name) {
  return conflict_error("project",
                        "it is not permitted to have two projects with the same name in the "
                        "same domain : " +
                            name);
}

std::optional<Project> first(const std::vector<store::SqlRow>& rows) {
  if (rows.empty()) {
    return std::nullopt;
  }
  return ProjectStore::from_row(rows.front());
}

}  // namespace

Project ProjectStore::from_row(const store::SqlRow& row, size_t first) {
  Project p;
  p.id = row.text(first);
  p.name = row.text(first + 1);
  p.domain_id = row.text(first + 2);
  p.description = row.text(first + 3);
  p.enabled = row.boolean(first + 4);
  p.created_at = row.integer(first + 5);
  return p;
}

Project ProjectStore::create(const std::string& name, const std::string& domain_id,
                             const std::string& description, bool enabled) {
  Project p;
  p.id = random::hex(random::bytes(16));  // Keystone ids: 32 hex digits, no dashes
  p.name = name;
  p.domain_id = domain_id;
  p.description = description;
  p.enabled = enabled;
  p.created_at = clock::now_unix_seconds();
  try {
    db_.write([&](store::SqlSession& s) {
      s.execute(
          "INSERT INTO projects (id, name, domain_id, description, enabled, created_at) "
          "VALUES (?, ?, ?, ?, ?, ?)",
          {p.id, p.name, p.domain_id, p.description, int64_t{p.enabled}, p.created_at});
    });
  } catch (const store::ConstraintViolation&) {
    throw duplicate(name);
  }
  return p;
}

std::optional<Project> ProjectStore::get(const std::string& id) {
  return db_.read([&](store::SqlSession& s) {
    return first(s.query(std::string("SELECT ") + kColumns + " FROM projects WHERE id = ?", {id}));
  });
}

std::optional<Project> ProjectStore::find_by_name(const std::string& domain_id,
                                                  const std::string& name) {
  return db_.read([&](store::SqlSession& s) {
    return first(s.query(
        std::string("SELECT ") + kColumns + " FROM projects WHERE domain_id = ? AND name = ?",
        {domain_id, name}));
  });
}

std::vector<Project> ProjectStore::list(const ProjectFilter& filter) {
  std::string sql = std::string("SELECT ") + kColumns + " FROM projects WHERE 1 = 1";
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
    std::vector<Project> out;
    for (const auto& row : s.query(sql, params)) {
      out.push_back(from_row(row));
    }
    return out;
  });
}

Project ProjectStore::update(const std::string& id, const ProjectChanges& changes) {
  try {
    return db_.write([&](store::SqlSession& s) {
      auto current =
          first(s.query(std::string("SELECT ") + kColumns + " FROM projects WHERE id = ?", {id}));
      if (!current) {
        throw not_found_error("project", id);
      }
      Project p = *current;
      p.name = changes.name.value_or(p.name);
      p.description = changes.description.value_or(p.description);
      p.enabled = changes.enabled.value_or(p.enabled);
      s.execute("UPDATE projects SET name = ?, description = ?, enabled = ? WHERE id = ?",
                {p.name, p.description, int64_t{p.enabled}, p.id});
      if (!p.enabled) {
        TokenRevocation::of_project(s, p.id);
      }
      return p;
    });
  } catch (const store::ConstraintViolation&) {
    throw duplicate(changes.name.value_or(""));
  }
}

void ProjectStore::remove(const std::string& id) {
  db_.write([&](store::SqlSession& s) {
    if (s.execute("DELETE FROM projects WHERE id = ?", {id}) == 0) {
      throw not_found_error("project", id);
    }
  });
}

}  // namespace neutrino::identity
