#include "controller/identity/password_hasher.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <charconv>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "common/random.hpp"
#include "controller/identity/base64.hpp"

namespace neutrino::identity {
namespace {

constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;
// Encodings read back from the store are trusted only this far: a tampered row must not make
// the server allocate gigabytes.
constexpr int kMaxLog2N = 20;
constexpr int kMaxR = 32;
constexpr int kMaxP = 16;

std::optional<std::vector<uint8_t>> derive(const std::string& password,
                                           const std::vector<uint8_t>& salt, const ScryptCost& cost,
                                           size_t length) {
  const uint64_t n = uint64_t{1} << cost.log2_n;
  // scrypt needs 128 * r * (N + p) bytes; leave headroom for OpenSSL's own bookkeeping.
  const uint64_t maxmem =
      128 * static_cast<uint64_t>(cost.r) * (n + static_cast<uint64_t>(cost.p) + 2) + (1 << 20);
  std::vector<uint8_t> out(length);
  if (EVP_PBE_scrypt(password.data(), password.size(), salt.data(), salt.size(), n,
                     static_cast<uint64_t>(cost.r), static_cast<uint64_t>(cost.p), maxmem,
                     out.data(), out.size()) != 1) {
    return std::nullopt;
  }
  return out;
}

bool parse_int(std::string_view text, int& value) {
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  return ec == std::errc() && ptr == end;
}

struct Parsed {
  ScryptCost cost;
  std::vector<uint8_t> salt;
  std::vector<uint8_t> hash;
};

// "$scrypt$ln=14,r=8,p=1$salt$hash" -> parts; nullopt on anything unexpected.
std::optional<Parsed> parse(std::string_view encoded) {
  constexpr std::string_view kPrefix = "$scrypt$";
  if (encoded.substr(0, kPrefix.size()) != kPrefix) {
    return std::nullopt;
  }
  encoded.remove_prefix(kPrefix.size());
  const size_t d1 = encoded.find('$');
  if (d1 == std::string_view::npos) {
    return std::nullopt;
  }
  const size_t d2 = encoded.find('$', d1 + 1);
  if (d2 == std::string_view::npos || encoded.find('$', d2 + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  Parsed parsed;
  bool seen_ln = false, seen_r = false, seen_p = false;
  std::string_view params = encoded.substr(0, d1);
  while (!params.empty()) {
    const size_t comma = params.find(',');
    const std::string_view item = params.substr(0, comma);
    params = comma == std::string_view::npos ? std::string_view{} : params.substr(comma + 1);
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      return std::nullopt;
    }
    const std::string_view key = item.substr(0, eq);
    int value = 0;
    if (!parse_int(item.substr(eq + 1), value)) {
      return std::nullopt;
    }
    if (key == "ln") {
      parsed.cost.log2_n = value;
      seen_ln = true;
    } else if (key == "r") {
      parsed.cost.r = value;
      seen_r = true;
    } else if (key == "p") {
      parsed.cost.p = value;
      seen_p = true;
    } else {
      return std::nullopt;
    }
  }
  if (!seen_ln || !seen_r || !seen_p || parsed.cost.log2_n < 1 || parsed.cost.log2_n > kMaxLog2N ||
      parsed.cost.r < 1 || parsed.cost.r > kMaxR || parsed.cost.p < 1 || parsed.cost.p > kMaxP) {
    return std::nullopt;
  }
  auto salt = base64_decode(encoded.substr(d1 + 1, d2 - d1 - 1));
  auto hash = base64_decode(encoded.substr(d2 + 1));
  if (!salt || !hash || salt->empty() || hash->empty()) {
    return std::nullopt;
  }
  parsed.salt = std::move(*salt);
  parsed.hash = std::move(*hash);
  return parsed;
}

std::string encode(const ScryptCost& cost, const std::vector<uint8_t>& salt,
                   const std::vector<uint8_t>& hash) {
  return "$scrypt$ln=" + std::to_string(cost.log2_n) + ",r=" + std::to_string(cost.r) +
         ",p=" + std::to_string(cost.p) + "$" + base64_encode(salt) + "$" + base64_encode(hash);
}

}  // namespace

PasswordHasher::PasswordHasher(ScryptCost cost) : cost_(cost) {
  if (cost_.log2_n < 1 || cost_.log2_n > kMaxLog2N || cost_.r < 1 || cost_.r > kMaxR ||
      cost_.p < 1 || cost_.p > kMaxP) {
    throw std::invalid_argument("scrypt cost out of range");
  }
  dummy_hash_ = hash("not a password anybody has");
}

std::string PasswordHasher::hash(const std::string& password) const {
  const std::vector<uint8_t> salt = random::bytes(kSaltBytes);
  auto derived = derive(password, salt, cost_, kHashBytes);
  if (!derived) {
    throw std::runtime_error("scrypt key derivation failed");
  }
  return encode(cost_, salt, *derived);
}

bool PasswordHasher::verify(const std::string& password, const std::string& encoded) const {
  const auto parsed = parse(encoded);
  if (!parsed) {
    return false;
  }
  const auto derived = derive(password, parsed->salt, parsed->cost, parsed->hash.size());
  if (!derived) {
    return false;
  }
  return CRYPTO_memcmp(derived->data(), parsed->hash.data(), parsed->hash.size()) == 0;
}

void PasswordHasher::verify_dummy(const std::string& password) const {
  (void)verify(password, dummy_hash_);
}

}  // namespace neutrino::identity
