#pragma once
// Password storage with scrypt (OpenSSL 3), a memory-hard KDF: a stolen users table costs an
// attacker memory and time per guess. The encoded form carries its own parameters, so hashes
// made with an older cost keep verifying after the default changes.
//   $scrypt$ln=14,r=8,p=1$<base64 salt>$<base64 hash>
#include <cstdint>
#include <string>

namespace neutrino::identity {

struct ScryptCost {
  int log2_n = 14;  // N = 2^log2_n
  int r = 8;
  int p = 1;
};

class PasswordHasher {
 public:
  explicit PasswordHasher(ScryptCost cost = {});

  // A fresh random salt every call, so equal passwords hash differently.
  std::string hash(const std::string& password) const;
  // Constant-time comparison; false for malformed or tampered encodings, never throws.
  bool verify(const std::string& password, const std::string& encoded) const;
  // Burns the same time as verify() against a real hash, so an unknown user name cannot be told
  // from a wrong password by timing.
  void verify_dummy(const std::string& password) const;

  const ScryptCost& cost() const { return cost_; }

 private:
  ScryptCost cost_;
  std::string dummy_hash_;
};

}  // namespace neutrino::identity
