#include "controller/neutron/address_group_addresses.hpp"

#include <optional>

#include "common/text_prefix.hpp"
#include "controller/api/api_error.hpp"
#include "controller/ipam/cidr.hpp"
#include "controller/ipam/ip_address.hpp"

namespace neutrino::neutron {
namespace {

api::ApiError invalid(const std::string& reason) {
  return api::bad_request("Invalid input for addresses. Reason: " + reason + ".");
}

void check_size(const Json& list) {
  if (list.size() > kMaxAddressGroupAddresses) {
    throw invalid("more than " + std::to_string(kMaxAddressGroupAddresses) +
                  " addresses in one address group");
  }
}

}  // namespace

std::set<std::string> parse_address_list(const Json& value) {
  std::set<std::string> out;
  if (value.is_null()) {
    return out;
  }
  if (!value.is_array()) {
    throw invalid("'" + json_prefix(value) + "' is not a list");
  }
  check_size(value);
  std::set<std::string> given;
  for (const auto& entry : value) {
    const auto cidr =
        entry.is_string() ? ipam::Cidr::parse_masked(entry.get<std::string>()) : std::nullopt;
    if (!cidr) {
      throw invalid("'" + json_prefix(entry) + "' is not a valid IP subnet");
    }
    // Neutron refuses the same text twice, but merges two that normalise alike.
    if (!given.insert(entry.get<std::string>()).second) {
      throw invalid("Duplicate items in the list: '" + json_prefix(entry) + "'");
    }
    out.insert(cidr->to_string());
  }
  return out;
}

std::set<std::string> parse_address_action(const Json& body) {
  const auto it = body.find("addresses");
  if (it == body.end()) {
    throw invalid("addresses is required");
  }
  if (!it->is_array()) {
    throw invalid("'" + json_prefix(*it) + "' is not a list");
  }
  check_size(*it);
  std::set<std::string> out;
  for (const auto& entry : *it) {
    const std::string text = entry.is_string() ? entry.get<std::string>() : entry.dump();
    std::optional<ipam::Cidr> cidr = ipam::Cidr::parse_masked(text);
    if (!cidr) {
      if (const auto address = ipam::IpAddress::parse(text)) {
        cidr = ipam::Cidr(*address, address->bits());
      }
    }
    if (!entry.is_string() || !cidr) {
      throw api::bad_request(
          "Invalid input for operation: invalid IPNetwork " + text_prefix(text) + ".",
          "InvalidInput");
    }
    out.insert(cidr->to_string());
  }
  return out;
}

std::string python_list(const std::set<std::string>& items) {
  std::string out = "[";
  for (const auto& item : items) {
    out += (out.size() > 1 ? ", '" : "'") + item + "'";
  }
  return out + "]";
}

}  // namespace neutrino::neutron
