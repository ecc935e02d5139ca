#pragma once
// The compiled view of the routers this host holds, restricted to the
// interfaces the pipeline can serve: those on a network compiled here (with an lvid), with a
// valid IPv4 address, CIDR and unicast MAC. The flow generators of routers/east-west routing
// work from this, as the L2 ones work from LocalNetwork.
#include <cstdint>
#include <string>
#include <vector>

#include "common/model/host_model.hpp"
#include "dataplane/pipeline/local_network.hpp"

namespace neutrino::dataplane::pipeline {

struct RouterLeg {
  const LocalNetwork* network = nullptr;  // points into the networks given to the builder
  std::string ip;                         // the interface address (the subnet's gateway)
  std::string mac;                        // the interface port's MAC, lower case
  std::uint32_t subnet_address = 0;       // the interface subnet, host order
  std::uint32_t subnet_mask = 0;
  bool contains(const std::string& ipv4) const;
  std::string subnet() const;  // "10.0.1.0/24", as a flow field value
};

// A static route of the router (`routes`, the extraroute extension), IPv4.
struct ExtraRoute {
  std::string destination;  // as a flow field value ("192.168.7.0/24")
  int prefix_length = 0;
  std::string nexthop;  // an address on one of the router's subnets
};

struct LocalRouter {
  std::string id;
  std::vector<RouterLeg> legs;     // in the router's interface order (by subnet id)
  std::vector<ExtraRoute> routes;  // by destination, then next hop
};

// Routers that are up and have at least one usable interface, by id. Interfaces and routes
// that cannot be compiled are left out.
std::vector<LocalRouter> build_local_routers(const model::HostModel& model,
                                             const std::vector<LocalNetwork>& networks);

}  // namespace neutrino::dataplane::pipeline
