#pragma once
// Projects in the store. Refusals are ApiErrors with Keystone's messages (404, 409).
#include <optional>
#include <string>
#include <vector>

#include "controller/identity/identity_records.hpp"
#include "controller/store/database.hpp"

namespace neutrino::identity {

struct ProjectFilter {
  std::optional<std::string> name;
  std::optional<std::string> domain_id;
  std::optional<bool> enabled;
};

struct ProjectChanges {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<bool> enabled;
};

class ProjectStore {
 public:
  explicit ProjectStore(store::Database& db) : db_(db) {}

  Project create(const std::string& name, const std::string& domain_id,
                 const std::string& description, bool enabled);
  std::optional<Project> get(const std::string& id);
  std::optional<Project> find_by_name(const std::string& domain_id, const std::string& name);
  std::vector<Project> list(const ProjectFilter& filter = {});
  // Disabling the project revokes the tokens scoped to it, as Keystone does.
  Project update(const std::string& id, const ProjectChanges& changes);
  // Also removes its role assignments and the tokens scoped to it (foreign keys cascade).
  void remove(const std::string& id);

  // Shared with the other stores, which join against projects.
  static constexpr const char* kColumns =
      "projects.id, projects.name, projects.domain_id, projects.description, projects.enabled, "
      "projects.created_at";
  static Project from_row(const store::SqlRow& row, size_t first = 0);

 private:
  store::Database& db_;
};

}  // namespace neutrino::identity
