#pragma once
// Turns an X-Auth-Token into an AuthContext. The Neutron API depends on this interface only,
// not on how identity stores tokens.
#include <optional>
#include <string>

#include "controller/identity/auth_context.hpp"

namespace neutrino::identity {

class TokenValidator {
 public:
  virtual ~TokenValidator() = default;
  // nullopt for unknown, revoked or expired tokens.
  virtual std::optional<AuthContext> validate(const std::string& token) = 0;
};

}  // namespace neutrino::identity
