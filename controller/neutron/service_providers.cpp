#include "controller/neutron/service_providers.hpp"

namespace neutrino::neutron {

std::vector<Json> ServiceProviders::list() const {
  std::vector<Json> out;
  for (const auto& p : providers_) {
    out.push_back({{"service_type", p.service_type}, {"name", p.name}, {"default", p.is_default}});
  }
  return out;
}

bool ServiceProviders::has_driver(const std::string& driver) const {
  return provider_of(driver).has_value();
}

std::optional<std::string> ServiceProviders::provider_of(const std::string& driver) const {
  for (const auto& p : providers_) {
    if (p.driver == driver) {
      return p.name;
    }
  }
  return std::nullopt;
}

}  // namespace neutrino::neutron
