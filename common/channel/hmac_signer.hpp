#pragma once
// HMAC-SHA256 over a shared secret, hex encoded, with constant-time verification. Agents prove
// they know the agent secret by signing the controller's challenge, and the metadata proxy
// signs instance ids the same way (X-Instance-ID-Signature), so a forged request cannot pass.
#include <string>
#include <string_view>

namespace neutrino::channel {

class HmacSigner {
 public:
  explicit HmacSigner(std::string secret) : secret_(std::move(secret)) {}

  std::string sign(std::string_view message) const;
  // Compares in time independent of where the signatures differ.
  bool verify(std::string_view message, std::string_view signature_hex) const;

 private:
  std::string secret_;
};

}  // namespace neutrino::channel
