#include "controller/compute/flavor_view.hpp"

namespace neutrino::compute {

Json flavor_links(const std::string& base, const std::string& flavorid) {
  return Json::array({{{"rel", "self"}, {"href", base + "/v2.1/flavors/" + flavorid}},
                      {{"rel", "bookmark"}, {"href", base + "/flavors/" + flavorid}}});
}

Json flavor_summary(const Flavor& flavor, const ApiVersion& version, const std::string& base) {
  Json out = {{"id", flavor.flavorid},
              {"name", flavor.name},
              {"links", flavor_links(base, flavor.flavorid)}};
  if (version >= ApiVersion{2, 55}) {
    out["description"] = flavor.description ? Json(*flavor.description) : Json(nullptr);
  }
  return out;
}

Json flavor_detail(const Flavor& flavor, const ApiVersion& version, const std::string& base) {
  Json out = flavor_summary(flavor, version, base);
  out["ram"] = flavor.memory_mb;
  out["disk"] = flavor.root_gb;
  out["vcpus"] = flavor.vcpus;
  out["OS-FLV-EXT-DATA:ephemeral"] = flavor.ephemeral_gb;
  out["OS-FLV-DISABLED:disabled"] = flavor.disabled;
  out["os-flavor-access:is_public"] = flavor.is_public;
  out["rxtx_factor"] = flavor.rxtx_factor;
  if (flavor.swap == 0 && version < ApiVersion{2, 75}) {
    out["swap"] = "";
  } else {
    out["swap"] = flavor.swap;
  }
  if (version >= ApiVersion{2, 61}) {
    out["extra_specs"] = flavor.extra_specs;
  }
  return out;
}

Json flavor_snapshot(const Flavor& flavor) {
  return {{"id", flavor.flavorid},  {"original_name", flavor.name},
          {"vcpus", flavor.vcpus},  {"ram", flavor.memory_mb},
          {"disk", flavor.root_gb}, {"ephemeral", flavor.ephemeral_gb},
          {"swap", flavor.swap},    {"extra_specs", flavor.extra_specs}};
}

}  // namespace neutrino::compute
