#pragma once
// Nova's key_pairs table: key pairs belong to a user (not a project) and are named uniquely
// per user. Creation checks the name, the key material and the key_pairs quota as Nova does.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "controller/store/sql_session.hpp"

namespace neutrino::compute {

struct KeyPair {
  int64_t id = 0;
  std::string name;
  std::string user_id;
  std::string fingerprint;
  std::string public_key;
  std::string type = "ssh";
  int64_t created_at = 0;
  std::string private_key;  // only for a key pair just generated; never stored
};

class KeypairStore {
 public:
  static std::optional<KeyPair> find(store::SqlSession& s, const std::string& user_id,
                                     const std::string& name);
  // 404 "Keypair <name> not found for user <user>" when absent.
  static KeyPair get(store::SqlSession& s, const std::string& user_id, const std::string& name);
  static std::vector<KeyPair> list(store::SqlSession& s, const std::string& user_id);
  // Validates `wanted` (name; public key, or generates one when it has none) against the
  // user's quota and inserts it. Throws api::ApiError: 400 "Keypair data is invalid: ...",
  // 403 "Quota exceeded, too many key pairs.", 409 "Key pair '<name>' already exists.".
  static KeyPair create(store::SqlSession& s, KeyPair wanted, int64_t quota);
  static bool remove(store::SqlSession& s, const std::string& user_id, const std::string& name);
};

// Nova's key pair name rule: 1 to 255 of letters, digits, '_', '-' and ' '.
bool valid_keypair_name(const std::string& name);

}  // namespace neutrino::compute
