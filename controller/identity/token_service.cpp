#include "controller/identity/token_service.hpp"

#include <openssl/evp.h>

#include <sstream>
#include <stdexcept>

#include "common/clock.hpp"
#include "common/log.hpp"
#include "common/random.hpp"
#include "controller/api/api_error.hpp"
#include "controller/identity/base64.hpp"

namespace neutrino::identity {
namespace {

constexpr size_t kTokenBytes = 32;
constexpr size_t kTokenChars = 43;  // base64url of 32 bytes, unpadded

bool well_formed(const std::string& token) {
  if (token.size() != kTokenChars) {
    return false;
  }
  for (char c : token) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) {
      return false;
    }
  }
  return true;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    out += (out.empty() ? "" : ",") + item;
  }
  return out;
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) {
      out.push_back(item);
    }
  }
  return out;
}

void add_roles(store::SqlSession& s, TokenInfo& info) {
  for (const auto& row :
       s.query("SELECT roles.id, roles.name FROM role_assignments JOIN roles ON roles.id = "
               "role_assignments.role_id WHERE role_assignments.user_id = ? AND "
               "role_assignments.project_id = ? ORDER BY roles.name",
               {info.context.user_id, info.context.project_id})) {
    info.role_ids.push_back(row.text(0));
    info.context.roles.push_back(row.text(1));
  }
}

}  // namespace

TokenService::TokenService(store::Database& db, TokenOptions options)
    : db_(db), options_(std::move(options)) {
  if (options_.ttl_seconds <= 0) {
    throw std::invalid_argument("token expiration must be positive");
  }
}

int64_t TokenService::now() const {
  return options_.now ? options_.now() : clock::now_unix_seconds();
}

std::string TokenService::digest(const std::string& token) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(token.data(), token.size(), md, &length, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  return random::hex(std::vector<uint8_t>(md, md + length));
}

IssuedToken TokenService::issue(const std::string& user_id,
                                const std::optional<std::string>& project_id,
                                const std::vector<std::string>& methods,
                                std::optional<int64_t> expires_at) {
  const int64_t issued = now();
  int64_t expiry = issued + options_.ttl_seconds;
  if (expires_at && *expires_at < expiry) {
    expiry = *expires_at;
  }
  IssuedToken result;
  result.token = base64url_encode(random::bytes(kTokenBytes));
  TokenInfo& info = result.info;
  info.methods = methods;
  info.audit_id = base64url_encode(random::bytes(16));
  info.issued_at = issued;
  info.context.expires_at = expiry;
  db_.write([&](store::SqlSession& s) {
    const auto users =
        s.query("SELECT name, domain_id, enabled FROM users WHERE id = ?", {user_id});
    if (users.empty() || !users.front().boolean(2)) {
      throw api::unauthorized();
    }
    info.context.user_id = user_id;
    info.context.user_name = users.front().text(0);
    info.context.user_domain_id = users.front().text(1);
    if (project_id) {
      const auto projects =
          s.query("SELECT name, domain_id, enabled FROM projects WHERE id = ?", {*project_id});
      if (projects.empty() || !projects.front().boolean(2)) {
        throw api::unauthorized();
      }
      info.context.project_id = *project_id;
      info.context.project_name = projects.front().text(0);
      info.context.project_domain_id = projects.front().text(1);
      add_roles(s, info);
      if (info.context.roles.empty()) {
        throw api::unauthorized();
      }
    }
    s.execute(
        "INSERT INTO tokens (token_hash, user_id, project_id, methods, audit_id, issued_at, "
        "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        {digest(result.token), user_id, store::null_if_empty(project_id), join(methods),
         info.audit_id, issued, expiry});
    maybe_purge(s, issued);
  });
  return result;
}

std::optional<TokenInfo> TokenService::inspect(const std::string& token) {
  if (!well_formed(token)) {
    return std::nullopt;
  }
  const int64_t current = now();
  return db_.read([&](store::SqlSession& s) -> std::optional<TokenInfo> {
    const auto rows = s.query(
        "SELECT t.user_id, t.project_id, t.methods, t.audit_id, t.issued_at, t.expires_at, "
        "t.revoked, u.name, u.domain_id, u.enabled, p.name, p.domain_id, p.enabled "
        "FROM tokens t JOIN users u ON u.id = t.user_id "
        "LEFT JOIN projects p ON p.id = t.project_id WHERE t.token_hash = ?",
        {digest(token)});
    if (rows.empty()) {
      return std::nullopt;
    }
    const auto& row = rows.front();
    if (row.boolean(6) || row.integer(5) <= current || !row.boolean(9)) {
      return std::nullopt;
    }
    TokenInfo info;
    info.context.user_id = row.text(0);
    info.context.user_name = row.text(7);
    info.context.user_domain_id = row.text(8);
    info.context.expires_at = row.integer(5);
    info.methods = split(row.text(2));
    info.audit_id = row.text(3);
    info.issued_at = row.integer(4);
    if (!row.is_null(1)) {
      if (row.is_null(10) || !row.boolean(12)) {
        return std::nullopt;
      }
      info.context.project_id = row.text(1);
      info.context.project_name = row.text(10);
      info.context.project_domain_id = row.text(11);
      add_roles(s, info);
      // A scoped token whose holder lost every role on the project no longer authorises.
      if (info.context.roles.empty()) {
        return std::nullopt;
      }
    }
    return info;
  });
}

std::optional<AuthContext> TokenService::validate(const std::string& token) {
  auto info = inspect(token);
  if (!info) {
    return std::nullopt;
  }
  return std::move(info->context);
}

bool TokenService::revoke(const std::string& token) {
  if (!well_formed(token)) {
    return false;
  }
  const int64_t current = now();
  return db_.write([&](store::SqlSession& s) {
    return s.execute(
               "UPDATE tokens SET revoked = 1 WHERE token_hash = ? AND revoked = 0 AND "
               "expires_at > ?",
               {digest(token), current}) > 0;
  });
}

int64_t TokenService::purge_expired() {
  const int64_t current = now();
  return db_.write([&](store::SqlSession& s) {
    return s.execute("DELETE FROM tokens WHERE expires_at <= ?", {current});
  });
}

void TokenService::maybe_purge(store::SqlSession& s, int64_t current) {
  int64_t last = last_purge_.load();
  if (current - last < options_.purge_interval_seconds ||
      !last_purge_.compare_exchange_strong(last, current)) {
    return;
  }
  const int64_t purged = s.execute("DELETE FROM tokens WHERE expires_at <= ?", {current});
  if (purged > 0) {
    log::debug("purged ", purged, " expired tokens");
  }
}

}  // namespace neutrino::identity
