#include "controller/neutron/router_routes.hpp"

#include <algorithm>
#include <set>

#include "common/text_prefix.hpp"
#include "controller/api/api_error.hpp"
#include "controller/ipam/cidr.hpp"
#include "controller/ipam/ip_address.hpp"

namespace neutrino::neutron {
namespace {

api::ApiError invalid_input(const std::string& reason) {
  return api::bad_request("Invalid input for routes. Reason: " + reason + ".");
}

// Python's repr of the routes list, as Neutron's InvalidRoutes message prints it.
std::string python_repr(const std::vector<RouterRoute>& routes) {
  std::string out = "[";
  for (const auto& r : routes) {
    out += (out.size() > 1 ? ", " : "") + std::string("{'destination': '") + r.destination +
           "', 'nexthop': '" + r.nexthop + "'}";
  }
  return out + "]";
}

RouterRoute parse_route(const Json& entry) {
  if (!entry.is_object() || entry.size() != 2 || !entry.contains("destination") ||
      !entry.contains("nexthop")) {
    throw invalid_input(
        "Validation of dictionary's keys failed. Expected keys: "
        "{'destination', 'nexthop'} Provided keys: " +
        json_prefix(entry));
  }
  const Json& destination = entry["destination"];
  const Json& nexthop = entry["nexthop"];
  const auto cidr = destination.is_string() ? ipam::Cidr::try_parse(destination.get<std::string>())
                                            : std::nullopt;
  if (!cidr) {
    throw invalid_input("'" + json_prefix(destination) + "' is not a valid IP subnet");
  }
  const auto address =
      nexthop.is_string() ? ipam::IpAddress::parse(nexthop.get<std::string>()) : std::nullopt;
  if (!address) {
    throw invalid_input("'" + json_prefix(nexthop) + "' is not a valid IP address");
  }
  return RouterRoute{cidr->to_string(), address->to_string()};
}

}  // namespace

std::vector<RouterRoute> RouterRoutes::validated(store::SqlSession& s, const std::string& router_id,
                                                 const Json& routes) {
  if (routes.is_null()) {
    return {};
  }
  if (!routes.is_array()) {
    throw invalid_input("'" + json_prefix(routes) + "' is not a list");
  }
  std::vector<RouterRoute> out;
  std::set<RouterRoute> seen;
  for (const auto& entry : routes) {
    RouterRoute route = parse_route(entry);
    if (!seen.insert(route).second) {
      throw invalid_input("Duplicate hostroute '" + json_prefix(entry) + "'");
    }
    out.push_back(std::move(route));
  }
  if (out.size() > kMaxRoutes) {
    throw api::bad_request("Unable to complete operation for " + router_id +
                               ". The number of routes exceeds the maximum " +
                               std::to_string(kMaxRoutes) + ".",
                           "RoutesExhausted");
  }
  std::vector<ipam::Cidr> cidrs;
  std::set<std::string> own;
  for (const auto& r : s.query("SELECT s.cidr, a.ip_address FROM routerports rp "
                               "JOIN ipallocations a ON a.port_id = rp.port_id "
                               "JOIN subnets s ON s.id = a.subnet_id WHERE rp.router_id = ?",
                               {router_id})) {
    cidrs.push_back(ipam::Cidr::parse(r.text(0)));
    own.insert(ipam::IpAddress::parse(r.text(1))->to_string());
  }
  for (const auto& route : out) {
    const auto hop = *ipam::IpAddress::parse(route.nexthop);
    const bool connected = std::any_of(cidrs.begin(), cidrs.end(),
                                       [&](const ipam::Cidr& c) { return c.contains(hop); });
    const char* reason = !connected                    ? "the nexthop is not connected with router"
                         : own.contains(route.nexthop) ? "the nexthop is used by router"
                                                       : nullptr;
    if (reason) {
      throw api::bad_request("Invalid format for routes: " + python_repr(out) + ", " + reason,
                             "InvalidRoutes");
    }
  }
  return out;
}

void RouterRoutes::replace(store::SqlSession& s, const std::string& router_id,
                           const std::vector<RouterRoute>& routes) {
  s.execute("DELETE FROM routerroutes WHERE router_id = ?", {router_id});
  for (const auto& r : routes) {
    s.execute("INSERT INTO routerroutes (router_id, destination, nexthop) VALUES (?, ?, ?)",
              {router_id, r.destination, r.nexthop});
  }
}

std::vector<RouterRoute> RouterRoutes::load(store::SqlSession& s, const std::string& router_id) {
  std::vector<RouterRoute> out;
  for (const auto& r : s.query("SELECT destination, nexthop FROM routerroutes WHERE router_id = "
                               "? ORDER BY destination, nexthop",
                               {router_id})) {
    out.push_back({r.text(0), r.text(1)});
  }
  return out;
}

Json RouterRoutes::to_json(const std::vector<RouterRoute>& routes) {
  Json out = Json::array();
  for (const auto& r : routes) {
    out.push_back({{"destination", r.destination}, {"nexthop", r.nexthop}});
  }
  return out;
}

void RouterRoutes::check_not_needed(store::SqlSession& s, const std::string& router_id,
                                    const std::string& subnet_id, const std::string& cidr) {
  const ipam::Cidr subnet = ipam::Cidr::parse(cidr);
  for (const auto& route : load(s, router_id)) {
    if (subnet.contains(*ipam::IpAddress::parse(route.nexthop))) {
      throw api::conflict("RouterInterfaceInUseByRoute",
                          "Router interface for subnet " + subnet_id + " on router " + router_id +
                              " cannot be deleted, as it is required by one or more routes.");
    }
  }
}

}  // namespace neutrino::neutron
