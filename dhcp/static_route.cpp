#include "dhcp/static_route.hpp"

namespace neutrino::dhcp {

std::vector<uint8_t> encode_classless_routes(std::span<const StaticRoute> routes) {
  std::vector<uint8_t> value;
  value.reserve(routes.size() * 9);
  for (const StaticRoute& route : routes) {
    const int width = route.destination.prefix_length();
    uint8_t network[4];
    route.destination.network().to_bytes(network);
    value.push_back(static_cast<uint8_t>(width));
    value.insert(value.end(), network, network + (width + 7) / 8);
    uint8_t router[4];
    route.next_hop.to_bytes(router);
    value.insert(value.end(), router, router + 4);
  }
  return value;
}

std::optional<std::vector<StaticRoute>> decode_classless_routes(std::span<const uint8_t> value) {
  std::vector<StaticRoute> routes;
  size_t i = 0;
  while (i < value.size()) {
    const int width = value[i++];
    if (width > 32) {
      return std::nullopt;
    }
    const size_t significant = static_cast<size_t>(width + 7) / 8;
    if (value.size() - i < significant + 4) {
      return std::nullopt;
    }
    uint8_t network[4] = {0, 0, 0, 0};
    for (size_t k = 0; k < significant; ++k) {
      network[k] = value[i + k];
    }
    i += significant;
    routes.push_back({Ipv4Cidr(Ipv4Address::from_bytes(network), width),
                      Ipv4Address::from_bytes(value.data() + i)});
    i += 4;
  }
  return routes;
}

}  // namespace neutrino::dhcp
