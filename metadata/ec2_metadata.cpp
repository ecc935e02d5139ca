#include "metadata/ec2_metadata.hpp"

#include <cstdio>

#include "metadata/version_list.hpp"

namespace neutrino::metadata {
namespace {

using Tree = MetadataTree;

bool is_ipv4_text(const std::string& address) {
  return !address.empty() && address.find(':') == std::string::npos;
}

}  // namespace

std::string ec2_id(const char* prefix, int64_t number) {
  char text[32];
  std::snprintf(text, sizeof text, "%s-%08llx", prefix, static_cast<unsigned long long>(number));
  return text;
}

std::string local_ipv4(const InstanceMetadata& instance) {
  std::string first;
  for (const auto& vif : instance.vifs) {
    for (const auto& subnet : vif.subnets) {
      if (subnet.ip_version != 4) {
        continue;
      }
      if (subnet.ip_address == instance.requester_address) {
        return subnet.ip_address;
      }
      if (first.empty()) {
        first = subnet.ip_address;
      }
    }
  }
  if (!first.empty()) {
    return first;
  }
  return is_ipv4_text(instance.requester_address) ? instance.requester_address : "";
}

MetadataTree ec2_metadata(const InstanceMetadata& instance, size_t version) {
  const VersionList& versions = ec2_versions();
  Tree meta = Tree::directory();
  // No image service yet: Nova shows the image's EC2 id here.
  meta.add("ami-id", Tree::text(ec2_id("ami", 0)));
  meta.add("ami-launch-index", Tree::text(std::to_string(instance.launch_index)));
  meta.add("ami-manifest-path", Tree::text("FIXME"));  // Nova's literal value
  meta.add("instance-id", Tree::text(ec2_id("i", instance.ec2_id)));
  meta.add("hostname", Tree::text(instance.hostname));
  meta.add("local-ipv4", Tree::text(local_ipv4(instance)));
  meta.add("reservation-id", Tree::text(instance.reservation_id));
  meta.add("security-groups", Tree::lines(instance.security_groups));
  if (instance.key_name) {
    // public-keys/ lists "0=<name>"; public-keys/0/ lists "openssh-key".
    Tree key = Tree::directory("0=" + *instance.key_name);
    key.add("openssh-key", Tree::text(instance.public_key));
    meta.add("public-keys", Tree::directory().add("0", std::move(key)));
  }
  if (versions.includes(version, "2007-01-19")) {
    meta.add("local-hostname", Tree::text(instance.hostname));
    meta.add("public-hostname", Tree::text(instance.hostname));
    meta.add("public-ipv4", Tree::text(""));  // floating IPs do not exist yet
  }
  if (versions.includes(version, "2007-08-29")) {
    meta.add("instance-type", Tree::text(instance.flavor_name));
  }
  if (versions.includes(version, "2007-12-15")) {
    // The bundled compute driver boots from one virtio disk.
    meta.add("block-device-mapping",
             Tree::directory().add("ami", Tree::text("vda")).add("root", Tree::text("/dev/vda")));
  }
  if (versions.includes(version, "2008-02-01")) {
    meta.add("placement",
             Tree::directory().add("availability-zone", Tree::text(instance.availability_zone)));
  }
  if (versions.includes(version, "2008-09-01")) {
    meta.add("instance-action", Tree::text("none"));
  }
  Tree root = Tree::directory();
  root.add("meta-data", std::move(meta));
  if (instance.user_data) {
    root.add("user-data", Tree::text(*instance.user_data));
  }
  return root;
}

}  // namespace neutrino::metadata
