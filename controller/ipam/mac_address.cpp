#include "controller/ipam/mac_address.hpp"

#include <ostream>
#include <stdexcept>

#include "common/random.hpp"
#include "controller/api/api_error.hpp"

namespace neutrino::ipam {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

}  // namespace

std::optional<MacAddress> MacAddress::parse(std::string_view text) {
  if (text.size() != 17) {
    return std::nullopt;
  }
  std::array<uint8_t, 6> octets{};
  for (size_t i = 0; i < 6; ++i) {
    const size_t at = i * 3;
    if (i > 0 && text[at - 1] != ':') {
      return std::nullopt;
    }
    const int high = hex_digit(text[at]);
    const int low = hex_digit(text[at + 1]);
    if (high < 0 || low < 0) {
      return std::nullopt;
    }
    octets[i] = static_cast<uint8_t>(high * 16 + low);
  }
  return MacAddress(octets);
}

MacAddress MacAddress::parse_for_port(std::string_view text) {
  const auto mac = parse(text);
  if (!mac || mac->is_zero() || mac->is_multicast()) {
    throw api::bad_request("Invalid input for mac_address. Reason: '" + std::string(text) +
                           "' is not a valid MAC address.");
  }
  return *mac;
}

MacAddress MacAddress::random_with_base(std::string_view base) {
  const auto parsed = parse(base);
  if (!parsed || parsed->is_multicast()) {
    throw std::invalid_argument("base_mac '" + std::string(base) +
                                "' is not a unicast MAC address like fa:16:3e:00:00:00");
  }
  for (;;) {
    const auto noise = random::bytes(3);
    auto octets = parsed->octets();
    if (octets[3] == 0) {
      octets[3] = noise[0];
    }
    octets[4] = noise[1];
    octets[5] = noise[2];
    // Only a base of 00:00:00:00:00:00 can come out all-zero, which no port may have.
    if (MacAddress mac(octets); !mac.is_zero()) {
      return mac;
    }
  }
}

std::string MacAddress::to_string() const {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < octets_.size(); ++i) {
    if (i > 0) {
      out.push_back(':');
    }
    out.push_back(digits[octets_[i] >> 4]);
    out.push_back(digits[octets_[i] & 0xf]);
  }
  return out;
}

std::ostream& operator<<(std::ostream& out, const MacAddress& mac) {
  return out << mac.to_string();
}

}  // namespace neutrino::ipam
