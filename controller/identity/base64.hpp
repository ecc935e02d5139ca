#pragma once
// Base64 codecs for salts, hashes and tokens. Tokens use the URL-safe alphabet without padding
// so they survive headers, URLs and shell quoting unchanged.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace neutrino::identity {

std::string base64_encode(const std::vector<uint8_t>& data);     // standard, padded
std::string base64url_encode(const std::vector<uint8_t>& data);  // URL-safe, no padding
// Accepts both alphabets, with or without padding; nullopt on any other character.
std::optional<std::vector<uint8_t>> base64_decode(std::string_view text);

}  // namespace neutrino::identity
