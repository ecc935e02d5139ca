#include "controller/neutron/ip_protocols.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include "common/text_prefix.hpp"
#include "controller/api/api_error.hpp"

namespace neutrino::neutron {
namespace {

// In neutron-lib's order, which Neutron's error message lists.
constexpr std::array<std::pair<const char*, int>, 25> kProtocols = {{
    {"ah", 51},         {"dccp", 33},       {"egp", 8},        {"esp", 50},      {"gre", 47},
    {"hopopt", 0},      {"icmp", 1},        {"igmp", 2},       {"ip", 0},        {"ipip", 4},
    {"ipv6-encap", 41}, {"ipv6-frag", 44},  {"ipv6-icmp", 58}, {"icmpv6", 58},   {"ipv6-nonxt", 59},
    {"ipv6-opts", 60},  {"ipv6-route", 43}, {"ospf", 89},      {"pgm", 113},     {"rsvp", 46},
    {"sctp", 132},      {"tcp", 6},         {"udp", 17},       {"udplite", 136}, {"vrrp", 112},
}};

std::optional<int> number_of_name(const std::string& name) {
  for (const auto& [n, number] : kProtocols) {
    if (name == n) {
      return number;
    }
  }
  return std::nullopt;
}

std::optional<int> small_integer(const std::string& text) {
  if (text.empty() || text.size() > 3 ||
      !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return std::nullopt;
  }
  const int n = std::stoi(text);
  return n <= 255 ? std::optional<int>(n) : std::nullopt;
}

api::ApiError invalid_protocol(const std::string& shown) {
  std::string values = "(None, 'any'";
  for (const auto& [name, number] : kProtocols) {
    values += std::string(", '") + name + "'";
  }
  values += ")";
  return api::bad_request("Security group rule protocol " + shown +
                              " not supported. Only protocol values " + values +
                              " and integer representations [0 to 255] are supported.",
                          "SecurityGroupRuleInvalidProtocol");
}

}  // namespace

std::optional<std::string> convert_protocol(const Json& value) {
  if (value.is_null() || (value.is_string() && value.get<std::string>() == "any")) {
    return std::nullopt;
  }
  if (value.is_number_integer()) {
    const auto n = value.get<int64_t>();
    if (n >= 0 && n <= 255) {
      return std::to_string(n);
    }
    throw invalid_protocol(std::to_string(n));
  }
  if (!value.is_string()) {
    throw invalid_protocol(json_prefix(value));
  }
  const std::string text = value.get<std::string>();
  if (small_integer(text)) {
    return text;
  }
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (number_of_name(lower)) {
    return lower;
  }
  throw invalid_protocol(text_prefix(text));
}

std::optional<int> protocol_number(const std::optional<std::string>& protocol,
                                   const std::string& ethertype) {
  if (!protocol) {
    return std::nullopt;
  }
  auto number = number_of_name(*protocol);
  if (!number) {
    number = small_integer(*protocol);
  }
  if (number && *number == 1 && ethertype == "IPv6") {
    return 58;
  }
  return number;
}

bool has_ports(int protocol_number) {
  return protocol_number == 6 || protocol_number == 17 || protocol_number == 132 ||
         protocol_number == 136 || protocol_number == 33;
}

}  // namespace neutrino::neutron
