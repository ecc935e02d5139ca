#pragma once
// The service-type extension's registry: which drivers provide each advanced service
// (Neutron's ServiceTypeManager). A service plugin registers its providers here; the core
// networks, subnets and ports are no service type, so a controller without service plugins
// lists none, as Neutron with only ML2 does.
#include <optional>
#include <string>
#include <vector>

#include "common/json.hpp"

namespace neutrino::neutron {

struct ServiceProvider {
  std::string service_type;  // "L3_ROUTER_NAT"
  std::string name;          // the provider's name
  std::string driver;        // what a service profile names (not listed)
  bool is_default = false;
};

class ServiceProviders {
 public:
  void add(ServiceProvider provider) { providers_.push_back(std::move(provider)); }
  // {"service_type", "name", "default"} per provider, as GET /v2.0/service-providers lists them.
  std::vector<Json> list() const;
  bool has_driver(const std::string& driver) const;
  // The name of the first provider whose driver is `driver`.
  std::optional<std::string> provider_of(const std::string& driver) const;

 private:
  std::vector<ServiceProvider> providers_;
};

}  // namespace neutrino::neutron
