#include "dataplane/pipeline/address.hpp"

#include <arpa/inet.h>

#include <array>
#include <cctype>
#include <cstdio>

namespace neutrino::dataplane::pipeline {
namespace {

template <int Family, std::size_t Size>
std::optional<std::string> inet_address(std::string_view text) {
  const std::string copy(text);
  std::array<unsigned char, Size> bytes{};
  if (inet_pton(Family, copy.c_str(), bytes.data()) != 1) {
    return std::nullopt;
  }
  std::array<char, INET6_ADDRSTRLEN> out{};
  inet_ntop(Family, bytes.data(), out.data(), out.size());
  return std::string(out.data());
}

template <int Family, std::size_t Size>
std::optional<std::string> inet_prefix(std::string_view text) {
  const auto slash = text.find('/');
  const std::string address(text.substr(0, slash));
  std::array<unsigned char, Size> bytes{};
  if (inet_pton(Family, address.c_str(), bytes.data()) != 1) {
    return std::nullopt;
  }
  std::size_t length = Size * 8;
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) {
      return std::nullopt;
    }
    length = 0;
    for (const char c : digits) {
      if (!std::isdigit(static_cast<unsigned char>(c))) {
        return std::nullopt;
      }
      length = length * 10 + static_cast<std::size_t>(c - '0');
    }
    if (length > Size * 8) {
      return std::nullopt;
    }
  }
  for (std::size_t bit = length; bit < Size * 8; ++bit) {
    bytes[bit / 8] &= static_cast<unsigned char>(~(0x80u >> (bit % 8)));
  }
  std::array<char, INET6_ADDRSTRLEN> out{};
  inet_ntop(Family, bytes.data(), out.data(), out.size());
  std::string result(out.data());
  return length == Size * 8 ? result : result + "/" + std::to_string(length);
}

}  // namespace

std::optional<std::string> unicast_mac(std::string_view text) {
  if (text.size() != 17) {
    return std::nullopt;
  }
  std::string out;
  bool zero = true;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (i % 3 == 2) {
      if (c != ':') {
        return std::nullopt;
      }
    } else if (!std::isxdigit(static_cast<unsigned char>(c))) {
      return std::nullopt;
    } else if (c != '0') {
      zero = false;
    }
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  // Bit 0 of the first octet: group address, which no port may own.
  const bool group = std::stoi(out.substr(0, 2), nullptr, 16) & 1;
  if (zero || group) {
    return std::nullopt;
  }
  return out;
}

std::optional<std::string> ipv4_address(std::string_view text) {
  return inet_address<AF_INET, 4>(text);
}

std::optional<std::string> ipv6_address(std::string_view text) {
  return inet_address<AF_INET6, 16>(text);
}

std::optional<std::string> ipv4_prefix(std::string_view text) {
  return inet_prefix<AF_INET, 4>(text);
}

std::optional<std::string> ipv6_prefix(std::string_view text) {
  return inet_prefix<AF_INET6, 16>(text);
}

std::optional<std::uint32_t> ipv4_host_order(const std::string& text) {
  in_addr address{};
  if (inet_pton(AF_INET, text.c_str(), &address) != 1) {
    return std::nullopt;
  }
  return ntohl(address.s_addr);
}

std::optional<std::pair<std::uint32_t, std::uint32_t>> ipv4_block(const std::string& cidr) {
  const auto slash = cidr.find('/');
  if (slash == std::string::npos || !ipv4_prefix(cidr)) {
    return std::nullopt;
  }
  const auto address = ipv4_host_order(cidr.substr(0, slash));
  const int length = std::stoi(cidr.substr(slash + 1));
  const std::uint32_t mask = length == 0 ? 0 : ~std::uint32_t{0} << (32 - length);
  return std::make_pair(*address & mask, mask);
}

bool ipv4_in_block(const std::string& ip, const std::string& cidr) {
  const auto address = ipv4_host_order(ip);
  const auto block = ipv4_block(cidr);
  return address && block && (*address & block->second) == block->first;
}

std::string ipv6_link_local(std::string_view mac) {
  std::array<unsigned, 6> b{};
  for (std::size_t i = 0; i < b.size(); ++i) {
    b[i] = static_cast<unsigned>(std::stoi(std::string(mac.substr(i * 3, 2)), nullptr, 16));
  }
  // The universal/local bit is inverted, and ff:fe goes in the middle.
  char out[40];
  std::snprintf(out, sizeof out, "fe80::%x:%x:%x:%x", ((b[0] ^ 2u) << 8) | b[1],
                (b[2] << 8) | 0xffu, 0xfe00u | b[3], (b[4] << 8) | b[5]);
  return out;
}

std::string hex(unsigned long long value) {
  char out[24];
  std::snprintf(out, sizeof out, "0x%llx", value);
  return out;
}

}  // namespace neutrino::dataplane::pipeline
