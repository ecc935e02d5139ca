#include "common/channel/hmac_signer.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>
#include <vector>

#include "common/random.hpp"

namespace neutrino::channel {

std::string HmacSigner::sign(std::string_view message) const {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest,
           &length) == nullptr) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  return random::hex(std::vector<uint8_t>(digest, digest + length));
}

bool HmacSigner::verify(std::string_view message, std::string_view signature_hex) const {
  const std::string expected = sign(message);
  if (signature_hex.size() != expected.size()) {
    return false;
  }
  return CRYPTO_memcmp(expected.data(), signature_hex.data(), expected.size()) == 0;
}

}  // namespace neutrino::channel
