#pragma once
// Password storage with scrypt (OpenSSL 3), a memory-hard KDF: a stolen users table costs an
// attacker memory and time per guess. The encoded form carries its own parameters, so hashes
// made with an older cost keep verifying after the default changes.
//   $scrypt$ln=14,r=8,p=1$<base64 salt>$<base64 hash>
#include <cstdint>
#include <string>

#include "controller/identity/password_verifier.hpp"

namespace neutrino::identity {

struct ScryptCost {
  int log2_n = 14;  // N = 2^log2_n
  int r = 8;
  int p = 1;
};

class PasswordHasher final : public PasswordVerifier {
 public:
  explicit PasswordHasher(ScryptCost cost = {});

  // A fresh random salt every call, so equal passwords hash differently.
  std::string hash(const std::string& password) const;
  bool verify(const std::string& password, const std::string& encoded) const override;
  void verify_dummy(const std::string& password) const override;

  const ScryptCost& cost() const { return cost_; }

 private:
  ScryptCost cost_;
  std::string dummy_hash_;
};

}  // namespace neutrino::identity
