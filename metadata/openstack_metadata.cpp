#include "metadata/openstack_metadata.hpp"

#include "metadata/version_list.hpp"

namespace neutrino::metadata {

Json meta_data_json(const InstanceMetadata& instance, size_t version) {
  namespace release = openstack_release;
  const VersionList& versions = openstack_versions();
  // Nova leaves "meta" out when it is empty; an empty object is kinder to parsers that
  // index it unconditionally and means the same.
  Json md = {{"uuid", instance.uuid},
             {"meta", instance.meta},
             {"hostname", instance.hostname},
             {"name", instance.name},
             {"launch_index", instance.launch_index},
             {"availability_zone", instance.availability_zone}};
  if (instance.key_name) {
    md["public_keys"] = {{*instance.key_name, instance.public_key}};
    md["keys"] = Json::array({{{"name", *instance.key_name},
                               {"type", instance.key_type},
                               {"data", instance.public_key}}});
  }
  if (versions.includes(version, release::kGrizzly)) {
    md["random_seed"] = instance.random_seed;
  }
  if (versions.includes(version, release::kLiberty)) {
    md["project_id"] = instance.project_id;
  }
  if (versions.includes(version, release::kNewtonOne)) {
    md["devices"] = Json::array();  // no tagged devices until the compute driver tags them
  }
  if (versions.includes(version, release::kVictoria)) {
    md["dedicated_cpus"] = Json::array();
  }
  return md;
}

std::vector<std::string> openstack_listing(const InstanceMetadata& instance, size_t version) {
  namespace release = openstack_release;
  const VersionList& versions = openstack_versions();
  std::vector<std::string> names = {"meta_data.json"};
  if (instance.user_data) {
    names.push_back("user_data");
  }
  if (versions.includes(version, release::kGrizzly)) {
    names.push_back("password");
  }
  if (versions.includes(version, release::kHavana)) {
    names.push_back("vendor_data.json");
  }
  if (versions.includes(version, release::kLiberty)) {
    names.push_back("network_data.json");
  }
  if (versions.includes(version, release::kNewtonTwo)) {
    names.push_back("vendor_data2.json");
  }
  return names;
}

}  // namespace neutrino::metadata
