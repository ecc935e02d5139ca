#include "common/random.hpp"

#include <openssl/rand.h>

#include <cstdio>
#include <stdexcept>

namespace neutrino::random {

std::vector<uint8_t> bytes(size_t count) {
  std::vector<uint8_t> out(count);
  if (count > 0 && RAND_bytes(out.data(), static_cast<int>(count)) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  return out;
}

uint64_t uint64() {
  const auto b = bytes(8);
  uint64_t v = 0;
  for (uint8_t byte : b) {
    v = (v << 8) | byte;
  }
  return v;
}

uint64_t uniform(uint64_t low, uint64_t high) {
  if (high <= low) {
    return low;
  }
  const uint64_t span = high - low + 1;
  if (span == 0) {  // the whole 64-bit range
    return uint64();
  }
  // Rejection sampling avoids modulo bias.
  const uint64_t limit = UINT64_MAX - (UINT64_MAX % span);
  uint64_t v;
  do {
    v = uint64();
  } while (v >= limit);
  return low + v % span;
}

std::string uuid4() {
  auto b = bytes(16);
  b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);
  char buf[37];
  std::snprintf(buf, sizeof buf,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return buf;
}

std::string hex(const std::vector<uint8_t>& data) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(data.size() * 2);
  for (uint8_t byte : data) {
    out.push_back(digits[byte >> 4]);
    out.push_back(digits[byte & 0xf]);
  }
  return out;
}

}  // namespace neutrino::random
