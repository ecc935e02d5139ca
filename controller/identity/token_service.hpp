#pragma once
// Bearer tokens. A token is 32 random bytes shown to the client once (base64url); the store
// keeps only its SHA-256, so a copy of the database grants nothing. Validation reads the
// user's current roles, so a role removed or a user disabled takes effect on the next request.
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "controller/identity/auth_context.hpp"
#include "controller/identity/token_validator.hpp"
#include "controller/store/database.hpp"

namespace neutrino::identity {

struct TokenOptions {
  int64_t ttl_seconds = 3600;
  // Unix seconds; injectable so tests can move time.
  std::function<int64_t()> now;
  // Expired rows are deleted on issue at most this often.
  int64_t purge_interval_seconds = 60;
};

// Everything a valid token says, for rendering Keystone's token body.
struct TokenInfo {
  AuthContext context;
  std::vector<std::string> methods;
  std::vector<std::string> role_ids;  // same order as context.roles
  std::string audit_id;
  int64_t issued_at = 0;  // unix seconds
};

struct IssuedToken {
  std::string token;  // the secret, given to the client once
  TokenInfo info;
};

class TokenService final : public TokenValidator {
 public:
  explicit TokenService(store::Database& db, TokenOptions options = {});

  // Throws api::ApiError 401 when the user does not exist or is disabled, or when the project
  // does not exist, is disabled, or the user holds no role on it. `expires_at` (unix seconds)
  // caps the lifetime: a re-scoped token never outlives the one it came from.
  IssuedToken issue(const std::string& user_id, const std::optional<std::string>& project_id,
                    const std::vector<std::string>& methods,
                    std::optional<int64_t> expires_at = std::nullopt);

  std::optional<AuthContext> validate(const std::string& token) override;
  std::optional<TokenInfo> inspect(const std::string& token);
  // False when the token is unknown, expired or already revoked.
  bool revoke(const std::string& token);
  // Deletes rows past their expiry; returns how many.
  int64_t purge_expired();

  static std::string digest(const std::string& token);

 private:
  int64_t now() const;
  void maybe_purge(store::SqlSession& session, int64_t now);

  store::Database& db_;
  TokenOptions options_;
  std::atomic<int64_t> last_purge_{0};
};

}  // namespace neutrino::identity
