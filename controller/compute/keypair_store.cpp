#include "controller/compute/keypair_store.hpp"

#include <cctype>

#include "common/clock.hpp"
#include "controller/api/api_error.hpp"
#include "controller/compute/public_key.hpp"

namespace neutrino::compute {
namespace {

constexpr const char* kColumns =
    "SELECT id, name, user_id, fingerprint, public_key, type, created_at FROM key_pairs";

KeyPair from_row(const store::SqlRow& r) {
  return {r.integer(0), r.text(1), r.text(2), r.text(3), r.text(4), r.text(5), r.integer(6), ""};
}

api::ApiError invalid_keypair(const std::string& reason) {
  return api::bad_request("Keypair data is invalid: " + reason, "InvalidKeypair");
}

}  // namespace

bool valid_keypair_name(const std::string& name) {
  if (name.empty() || name.size() > 255) {
    return false;
  }
  for (const char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '_' && c != '-' && c != ' ') {
      return false;
    }
  }
  return true;
}

std::optional<KeyPair> KeypairStore::find(store::SqlSession& s, const std::string& user_id,
                                          const std::string& name) {
  const auto rows =
      s.query(std::string(kColumns) + " WHERE user_id = ? AND name = ?", {user_id, name});
  if (rows.empty()) {
    return std::nullopt;
  }
  return from_row(rows[0]);
}

KeyPair KeypairStore::get(store::SqlSession& s, const std::string& user_id,
                          const std::string& name) {
  auto found = find(s, user_id, name);
  if (!found) {
    throw api::not_found("Keypair " + name + " not found for user " + user_id, "KeypairNotFound");
  }
  return *found;
}

std::vector<KeyPair> KeypairStore::list(store::SqlSession& s, const std::string& user_id) {
  std::vector<KeyPair> out;
  for (const auto& r :
       s.query(std::string(kColumns) + " WHERE user_id = ? ORDER BY name", {user_id})) {
    out.push_back(from_row(r));
  }
  return out;
}

KeyPair KeypairStore::create(store::SqlSession& s, KeyPair wanted, int64_t quota) {
  for (const char c : wanted.name) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '_' && c != '-' && c != ' ') {
      throw invalid_keypair("Keypair name contains unsafe characters");
    }
  }
  if (!valid_keypair_name(wanted.name)) {
    throw invalid_keypair("Keypair name must be string and between 1 and 255 characters long");
  }
  const int64_t count =
      s.query("SELECT COUNT(*) FROM key_pairs WHERE user_id = ?", {wanted.user_id})[0].integer(0);
  if (quota >= 0 && count + 1 > quota) {
    throw api::forbidden("Quota exceeded, too many key pairs.", "KeypairLimitExceeded");
  }
  if (find(s, wanted.user_id, wanted.name)) {
    throw api::conflict("KeyPairExists", "Key pair '" + wanted.name + "' already exists.");
  }
  if (wanted.public_key.empty()) {
    const GeneratedKeyPair generated = generate_ssh_key_pair();
    wanted.public_key = generated.public_key;
    wanted.private_key = generated.private_key;
    wanted.fingerprint = generated.fingerprint;
  } else if (wanted.type == "x509") {
    const auto fingerprint = x509_fingerprint(wanted.public_key);
    if (!fingerprint) {
      throw invalid_keypair("failed to generate X509 fingerprint.");
    }
    wanted.fingerprint = *fingerprint;
  } else {
    const auto fingerprint = ssh_fingerprint(wanted.public_key);
    if (!fingerprint) {
      throw invalid_keypair("failed to generate fingerprint");
    }
    wanted.fingerprint = *fingerprint;
  }
  wanted.created_at = clock::now_unix_seconds();
  try {
    s.execute(
        "INSERT INTO key_pairs (name, user_id, fingerprint, public_key, type, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        {wanted.name, wanted.user_id, wanted.fingerprint, wanted.public_key, wanted.type,
         wanted.created_at});
  } catch (const store::ConstraintViolation&) {
    throw api::conflict("KeyPairExists", "Key pair '" + wanted.name + "' already exists.");
  }
  wanted.id = s.query("SELECT id FROM key_pairs WHERE user_id = ? AND name = ?",
                      {wanted.user_id, wanted.name})[0]
                  .integer(0);
  return wanted;
}

bool KeypairStore::remove(store::SqlSession& s, const std::string& user_id,
                          const std::string& name) {
  return s.execute("DELETE FROM key_pairs WHERE user_id = ? AND name = ?", {user_id, name}) > 0;
}

}  // namespace neutrino::compute
