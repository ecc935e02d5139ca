#pragma once
// The dated document versions a metadata service answers to, oldest first. A guest asks for a
// version it was written against ("2009-04-04") or "latest", and gets exactly what that
// version contained, so old guests keep working when documents grow.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace neutrino::metadata {

class VersionList {
 public:
  explicit VersionList(std::vector<std::string> versions) : versions_(std::move(versions)) {}

  // Position of `version`; "latest" is the newest. nullopt for a version never published.
  std::optional<size_t> find(std::string_view version) const;
  // Whether the version at `index` already has what version `since` introduced.
  bool includes(size_t index, std::string_view since) const;
  // The listing a guest sees: every version, then "latest".
  std::vector<std::string> listing() const;

 private:
  std::vector<std::string> versions_;
};

// Nova's EC2-compatible versions, 1.0 to 2009-04-04.
const VersionList& ec2_versions();
// Nova's OpenStack versions, 2012-08-10 (Folsom) to 2025-04-04 (Epoxy).
const VersionList& openstack_versions();

// The OpenStack versions that changed what is served, by the release that made them.
namespace openstack_release {
inline constexpr const char* kGrizzly = "2013-04-04";    // random_seed, password
inline constexpr const char* kHavana = "2013-10-17";     // vendor_data.json
inline constexpr const char* kLiberty = "2015-10-15";    // project_id, network_data.json
inline constexpr const char* kNewtonOne = "2016-06-30";  // devices
inline constexpr const char* kNewtonTwo = "2016-10-06";  // vendor_data2.json
inline constexpr const char* kVictoria = "2020-10-14";   // dedicated_cpus
}  // namespace openstack_release

}  // namespace neutrino::metadata
