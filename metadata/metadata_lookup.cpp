#include "metadata/metadata_lookup.hpp"

#include "metadata/ec2_metadata.hpp"
#include "metadata/network_data.hpp"
#include "metadata/openstack_metadata.hpp"
#include "metadata/version_list.hpp"

namespace neutrino::metadata {
namespace {

constexpr const char* kJson = "application/json";

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) {
    out += (out.empty() ? "" : "\n") + line;
  }
  return out;
}

std::optional<MetadataDocument> ec2_document(const std::vector<std::string>& path,
                                             const InstanceMetadata& instance) {
  if (path.empty()) {
    return MetadataDocument{join_lines(ec2_versions().listing())};
  }
  const auto version = ec2_versions().find(path.front());
  if (!version) {
    return std::nullopt;
  }
  const MetadataTree tree = ec2_metadata(instance, *version);
  const MetadataTree* node = tree.find({path.begin() + 1, path.end()});
  if (node == nullptr) {
    return std::nullopt;
  }
  return MetadataDocument{node->render()};
}

std::optional<MetadataDocument> openstack_document(const std::vector<std::string>& path,
                                                   const InstanceMetadata& instance) {
  namespace release = openstack_release;
  const VersionList& versions = openstack_versions();
  if (path.empty()) {
    return MetadataDocument{join_lines(versions.listing())};
  }
  const auto version = versions.find(path.front());
  if (!version) {
    return std::nullopt;
  }
  if (path.size() == 1) {
    return MetadataDocument{join_lines(openstack_listing(instance, *version))};
  }
  if (path.size() != 2) {
    return std::nullopt;
  }
  const std::string& name = path[1];
  if (name == "meta_data.json") {
    return MetadataDocument{meta_data_json(instance, *version).dump(), kJson};
  }
  if (name == "network_data.json") {
    // Served for every version, as Nova does, though listed only from Liberty on.
    return MetadataDocument{network_data_json(instance).dump(), kJson};
  }
  if (name == "user_data" && instance.user_data) {
    return MetadataDocument{*instance.user_data};
  }
  if (name == "password" && versions.includes(*version, release::kGrizzly)) {
    return MetadataDocument{""};  // no password is ever set: guests have key pairs
  }
  if (name == "vendor_data.json" && versions.includes(*version, release::kHavana)) {
    return MetadataDocument{"{}", kJson};
  }
  if (name == "vendor_data2.json" && versions.includes(*version, release::kNewtonTwo)) {
    return MetadataDocument{R"({"static": {}})", kJson};
  }
  return std::nullopt;
}

}  // namespace

std::vector<std::string> metadata_path_segments(std::string_view path) {
  std::vector<std::string> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) {
      end = path.size();
    }
    const std::string_view segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!segments.empty()) {
        segments.pop_back();
      }
    } else if (!segment.empty() && segment != ".") {
      segments.emplace_back(segment);
    }
    start = end + 1;
  }
  return segments;
}

MetadataDocument root_listing() {
  return MetadataDocument{join_lines(ec2_versions().listing())};
}

std::optional<MetadataDocument> lookup_metadata(std::string_view path,
                                                const InstanceMetadata& instance) {
  std::vector<std::string> segments = metadata_path_segments(path);
  if (!segments.empty() && segments.front() == "openstack") {
    return openstack_document({segments.begin() + 1, segments.end()}, instance);
  }
  if (!segments.empty() && segments.front() == "ec2") {
    segments.erase(segments.begin());
  }
  return ec2_document(segments, instance);
}

}  // namespace neutrino::metadata
