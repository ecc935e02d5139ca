#pragma once
// An address group that a rule of the host's groups names as remote_address_group_id
// ("address_group:<id>"): its CIDRs, IPv4 and IPv6, as the API stores them (host bits cleared).
#include <string>
#include <vector>

#include "common/model/nullable.hpp"

namespace neutrino::model {

struct AddressGroup {
  std::string id;
  std::vector<std::string> addresses;  // sorted, unique
  bool operator==(const AddressGroup&) const = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(AddressGroup, id, addresses)

}  // namespace neutrino::model
