#pragma once
// Cryptographically strong randomness (OpenSSL RAND_bytes) for ids, tokens, salts and MACs.
#include <cstdint>
#include <string>
#include <vector>

namespace neutrino::random {

std::vector<uint8_t> bytes(size_t count);
uint64_t uint64();
// Uniform in [low, high], both inclusive.
uint64_t uniform(uint64_t low, uint64_t high);
// RFC 4122 version 4 UUID, lower case with dashes.
std::string uuid4();
std::string hex(const std::vector<uint8_t>& data);

}  // namespace neutrino::random
