#include "agent/netlink/inet_prefix.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <charconv>
#include <stdexcept>

namespace neutrino::agent::netlink {

InetPrefix InetPrefix::parse(std::string_view text, bool allow_bare) {
  const auto invalid = [&] {
    return std::invalid_argument("invalid IP address/prefix '" + std::string(text) + "'");
  };
  const size_t slash = text.find('/');
  const std::string address(text.substr(0, slash));
  InetPrefix result;
  result.family = address.find(':') == std::string::npos ? AF_INET : AF_INET6;
  if (::inet_pton(result.family, address.c_str(), result.bytes.data()) != 1) {
    throw invalid();
  }
  const unsigned max_len = result.family == AF_INET ? 32 : 128;
  if (slash == std::string_view::npos) {
    if (!allow_bare) {
      throw invalid();
    }
    result.prefix_len = max_len;
    return result;
  }
  const std::string_view len = text.substr(slash + 1);
  const auto [end, error] = std::from_chars(len.data(), len.data() + len.size(), result.prefix_len);
  if (len.empty() || error != std::errc() || end != len.data() + len.size() ||
      result.prefix_len > max_len) {
    throw invalid();
  }
  return result;
}

std::string InetPrefix::format_address(int family, const void* data) {
  char text[INET6_ADDRSTRLEN] = {};
  if (::inet_ntop(family, data, text, sizeof(text)) == nullptr) {
    return "?";
  }
  return text;
}

size_t InetPrefix::size() const {
  return family == AF_INET ? 4 : 16;
}

std::string InetPrefix::address() const {
  return format_address(family, bytes.data());
}

std::string InetPrefix::to_string() const {
  return address() + "/" + std::to_string(prefix_len);
}

InetPrefix InetPrefix::last_address() const {
  InetPrefix last = *this;
  for (size_t bit = prefix_len; bit < size() * 8; ++bit) {
    last.bytes[bit / 8] |= static_cast<uint8_t>(0x80u >> (bit % 8));
  }
  last.prefix_len = static_cast<unsigned>(size() * 8);
  return last;
}

}  // namespace neutrino::agent::netlink
