#include "controller/neutron/subnet_attributes.hpp"

#include <set>

#include "common/text_prefix.hpp"
#include "controller/api/api_error.hpp"
#include "controller/ipam/allocation_pools.hpp"

namespace neutrino::neutron {
namespace {
api::ApiError invalid(const std::string& attribute, const std::string& reason) {
  return api::bad_request("Invalid input for " + attribute + ". Reason: " + reason + ".");
}

ipam::IpAddress parse_ip(const Json& value, const std::string& attribute, int ip_version) {
  const auto ip = value.is_string() ? ipam::IpAddress::parse(value.get<std::string>())
                                    : std::optional<ipam::IpAddress>();
  if (!ip) {
    throw invalid(attribute, "'" + json_prefix(value) + "' is not a valid IP address");
  }
  if (ip->version() != ip_version) {
    throw invalid(attribute, "'" + ip->to_string() + "' is not an IPv" +
                                 std::to_string(ip_version) + " address");
  }
  return *ip;
}
}  // namespace

std::vector<std::string> parse_dns_nameservers(const Json& value, int ip_version) {
  if (value.size() > kMaxDnsNameservers) {
    throw api::bad_request(
        "Unable to complete operation for subnet. The number of DNS "
        "nameservers exceeds the limit " +
            std::to_string(kMaxDnsNameservers) + ".",
        "DNSNameServersExhausted");
  }
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& entry : value) {
    const std::string address = parse_ip(entry, "dns_nameservers", ip_version).to_string();
    if (!seen.insert(address).second) {
      throw invalid("dns_nameservers", "Duplicate nameserver '" + address + "'");
    }
    out.push_back(address);
  }
  return out;
}

std::vector<HostRoute> parse_host_routes(const Json& value, int ip_version) {
  if (value.size() > kMaxSubnetHostRoutes) {
    throw api::bad_request(
        "Unable to complete operation for subnet. The number of host routes "
        "exceeds the limit " +
            std::to_string(kMaxSubnetHostRoutes) + ".",
        "HostRoutesExhausted");
  }
  std::vector<HostRoute> out;
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& entry : value) {
    if (!entry.is_object() || !entry.contains("destination") || !entry.contains("nexthop") ||
        entry.size() != 2) {
      throw invalid("host_routes",
                    "Validation of dictionary's keys failed. Expected keys: "
                    "{'destination', 'nexthop'} Provided keys: " +
                        json_prefix(entry));
    }
    if (!entry["destination"].is_string()) {
      throw invalid("host_routes",
                    "'" + json_prefix(entry["destination"]) + "' is not a valid IP subnet");
    }
    const auto destination =
        ipam::Cidr::parse(entry["destination"].get<std::string>(), "host_routes");
    if (destination.version() != ip_version) {
      throw invalid("host_routes", "'" + destination.to_string() + "' is not an IPv" +
                                       std::to_string(ip_version) + " subnet");
    }
    const auto nexthop = parse_ip(entry["nexthop"], "host_routes", ip_version);
    HostRoute route{destination.to_string(), nexthop.to_string()};
    if (!seen.insert({route.destination, route.nexthop}).second) {
      throw invalid("host_routes", "Duplicate hostroute '" + json_prefix(entry) + "'");
    }
    out.push_back(route);
  }
  return out;
}

std::optional<ipam::IpAddress> parse_gateway(const Json& value, const ipam::Cidr& cidr) {
  if (value.is_null()) {
    return std::nullopt;
  }
  const auto gateway = parse_ip(value, "gateway_ip", cidr.version());
  ipam::validate_gateway(cidr, gateway);
  return gateway;
}

}  // namespace neutrino::neutron
