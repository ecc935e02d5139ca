#pragma once
// The identity resources as the stores hand them out. Keystone has more attributes (tags,
// options, parent projects); Neutrino keeps what its API and the clients use.
#include <cstdint>
#include <optional>
#include <string>

namespace neutrino::identity {

// Neutrino has exactly one domain, Keystone's default one.
inline const std::string kDefaultDomainId = "default";
inline const std::string kDefaultDomainName = "Default";

// True when `id_or_name` names the default domain by its id or its name.
inline bool is_default_domain(const std::string& id_or_name) {
  return id_or_name == kDefaultDomainId || id_or_name == kDefaultDomainName;
}

struct Project {
  std::string id;
  std::string name;
  std::string domain_id;
  std::string description;
  bool enabled = true;
  int64_t created_at = 0;
};

struct User {
  std::string id;
  std::string name;
  std::string domain_id;
  std::optional<std::string> email;
  std::string description;
  bool enabled = true;
  std::optional<std::string> default_project_id;
  int64_t created_at = 0;
  // Keystone's user option: failed logins are still counted but never lock the user (for
  // service and operator accounts that anyone could otherwise lock out).
  bool ignore_lockout_failure_attempts = false;
};

struct Role {
  std::string id;
  std::string name;
};

struct RoleAssignment {
  std::string user_id;
  std::string project_id;
  std::string role_id;
};

}  // namespace neutrino::identity
