#include "controller/neutron/flavor_schemas.hpp"

namespace neutrino::neutron {

using T = AttrType;

const ResourceSchema& flavor_schema() {
  // Not a standard-attribute resource: no project, tags, revision or timestamps.
  static const ResourceSchema schema(
      "flavor", "flavors",
      {
          {"id", T::kString, false, false},
          {"name", T::kString, true, true},
          {"description", T::kNullableString, true, true, false, 1024},
          {"service_type", T::kString, true, false, true},
          {"service_profiles", T::kList, true, true},
          {"enabled", T::kBool, true, true},
      });
  return schema;
}

const ResourceSchema& service_profile_schema() {
  static const ResourceSchema schema(
      "service_profile", "service_profiles",
      {
          {"id", T::kString, false, false},
          {"description", T::kNullableString, true, true, false, 1024},
          {"driver", T::kString, true, true, false, 1024},
          {"metainfo", T::kString, true, true, false, 4096},
          {"enabled", T::kBool, true, true},
      });
  return schema;
}

}  // namespace neutrino::neutron
