#include "controller/neutron/subnet_pool_input.hpp"

#include <algorithm>

#include "controller/api/api_error.hpp"
#include "controller/ipam/prefix_set.hpp"
#include "controller/neutron/resource_schema.hpp"

namespace neutrino::neutron {
namespace {

api::ApiError illegal_bounds(const char* type, int length, const char* base_type, int base) {
  return api::bad_request("Illegal prefix bounds: " + std::string(type) + "=" +
                              std::to_string(length) + ", " + base_type + "=" +
                              std::to_string(base) + ".",
                          "IllegalSubnetPoolPrefixBounds");
}

}  // namespace

std::vector<ipam::Cidr> parse_pool_prefixes(const Json& value) {
  if (!value.is_array()) {
    throw api::bad_request("Invalid input for prefixes. Reason: '" + value.dump() +
                           "' is not a list.");
  }
  if (value.empty()) {
    throw api::bad_request("Empty subnet pool prefix list.", "EmptySubnetPoolPrefixList");
  }
  std::vector<ipam::Cidr> prefixes;
  for (const auto& item : value) {
    if (!item.is_string()) {
      throw api::bad_request("Invalid input for prefixes. Reason: '" + item.dump() +
                             "' is not a valid IP subnet.");
    }
    // Neutron's subnet validator accepts host bits ("10.11.12.13/24"); compaction drops them.
    const std::string text = item.get<std::string>();
    const auto masked = ipam::Cidr::parse_masked(text);
    prefixes.push_back(masked ? *masked : ipam::Cidr::parse(text, "prefixes"));
    if (prefixes.back().version() != prefixes.front().version()) {
      throw api::bad_request("Cannot mix IPv4 and IPv6 prefixes in a subnet pool.",
                             "PrefixVersionMismatch");
    }
  }
  return ipam::compact_prefixes(prefixes);
}

PrefixBounds resolve_prefix_bounds(const Json& attributes, int ip_version,
                                   const std::optional<PrefixBounds>& current) {
  const int bits = ip_version == 4 ? 32 : 128;
  PrefixBounds b = current.value_or(PrefixBounds{ip_version == 4 ? 8 : 64, bits, -1});
  auto read = [&](const char* name, int& field) {
    if (attributes.contains(name) && !attributes[name].is_null()) {
      const int64_t value = to_int(attributes[name], name);
      if (value < 0 || value > 128) {
        throw illegal_bounds(name, static_cast<int>(std::clamp<int64_t>(value, -1, 129)),
                             "ip_version_max", bits);
      }
      field = static_cast<int>(value);
    }
  };
  read("min_prefixlen", b.min_prefixlen);
  read("max_prefixlen", b.max_prefixlen);
  read("default_prefixlen", b.default_prefixlen);
  if (b.default_prefixlen < 0) {
    b.default_prefixlen = b.min_prefixlen;  // on create, default follows min unless given
  }
  if (b.min_prefixlen > b.max_prefixlen) {
    throw illegal_bounds("min_prefixlen", b.min_prefixlen, "max_prefixlen", b.max_prefixlen);
  }
  if (b.max_prefixlen > bits) {
    throw illegal_bounds("max_prefixlen", b.max_prefixlen, "ip_version_max", bits);
  }
  if (b.default_prefixlen < b.min_prefixlen) {
    throw illegal_bounds("default_prefixlen", b.default_prefixlen, "min_prefixlen",
                         b.min_prefixlen);
  }
  if (b.default_prefixlen > b.max_prefixlen) {
    throw illegal_bounds("default_prefixlen", b.default_prefixlen, "max_prefixlen",
                         b.max_prefixlen);
  }
  return b;
}

}  // namespace neutrino::neutron
