#pragma once
// Who is calling: what a validated token says. Handlers authorise with this alone.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace neutrino::identity {

struct AuthContext {
  std::string user_id;
  std::string user_name;
  std::string user_domain_id;
  std::string project_id;  // empty for an unscoped token
  std::string project_name;
  std::string project_domain_id;
  std::vector<std::string> roles;  // role names on project_id
  int64_t expires_at = 0;          // unix seconds

  bool has_role(const std::string& role) const {
    return std::find(roles.begin(), roles.end(), role) != roles.end();
  }
  bool is_admin() const { return has_role("admin"); }
};

}  // namespace neutrino::identity
