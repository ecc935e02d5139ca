#include "metadata/version_list.hpp"

#include <algorithm>
#include <stdexcept>

namespace neutrino::metadata {

std::optional<size_t> VersionList::find(std::string_view version) const {
  if (version == "latest") {
    return versions_.size() - 1;
  }
  const auto it = std::find(versions_.begin(), versions_.end(), version);
  if (it == versions_.end()) {
    return std::nullopt;
  }
  return static_cast<size_t>(it - versions_.begin());
}

bool VersionList::includes(size_t index, std::string_view since) const {
  const auto first = find(since);
  if (!first) {
    throw std::logic_error("unknown metadata version " + std::string(since));
  }
  return index >= *first;
}

std::vector<std::string> VersionList::listing() const {
  std::vector<std::string> out = versions_;
  out.push_back("latest");
  return out;
}

const VersionList& ec2_versions() {
  static const VersionList versions({"1.0", "2007-01-19", "2007-03-01", "2007-08-29", "2007-10-10",
                                     "2007-12-15", "2008-02-01", "2008-09-01", "2009-04-04"});
  return versions;
}

const VersionList& openstack_versions() {
  static const VersionList versions({"2012-08-10", "2013-04-04", "2013-10-17", "2015-10-15",
                                     "2016-06-30", "2016-10-06", "2017-02-22", "2018-08-27",
                                     "2020-10-14", "2025-04-04"});
  return versions;
}

}  // namespace neutrino::metadata
