#pragma once
// Checking a password against its stored hash: the expensive step of every password login, and
// so the step the failed-login limits must keep attackers from reaching. An interface so tests
// can count how often it runs.
#include <string>

namespace neutrino::identity {

class PasswordVerifier {
 public:
  virtual ~PasswordVerifier() = default;
  // Constant-time comparison; false for malformed or tampered encodings, never throws.
  virtual bool verify(const std::string& password, const std::string& encoded) const = 0;
  // Burns the same time as verify() against a real hash, so an unknown user name cannot be
  // told from a wrong password by timing.
  virtual void verify_dummy(const std::string& password) const = 0;
};

}  // namespace neutrino::identity
