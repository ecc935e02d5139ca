#pragma once
// A group that a rule of the host's groups names as remote ("remote_group:<id>"): the fixed
// IPs of all its member ports, on any host.
#include <string>
#include <vector>

#include "common/model/nullable.hpp"

namespace neutrino::model {

struct RemoteGroup {
  std::string id;
  std::vector<std::string> addresses;  // sorted, unique
  bool operator==(const RemoteGroup&) const = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(RemoteGroup, id, addresses)

}  // namespace neutrino::model
