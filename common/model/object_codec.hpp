#pragma once
// The one place that knows which typed model object a channel key names: "<kind>:<id>" with
// kind port, network, subnet, remote (a RemotePort), security_group, remote_group, instance,
// router, floatingip or address_group.
// Both daemons decode through it, so an object that does not match its type's codec (a
// missing member, a wrong type) is refused where it arrives instead of surfacing later as an
// odd flow.
#include <string>
#include <string_view>

#include "common/json.hpp"

namespace neutrino::model {

enum class ObjectKind {
  kPort,
  kNetwork,
  kSubnet,
  kRemotePort,
  kSecurityGroup,
  kRemoteGroup,
  kInstance,
  kRouter,
  kFloatingIp,
  kAddressGroup
};

struct ObjectKey {
  ObjectKind kind;
  std::string id;
};

// Throws std::invalid_argument for a key of no known kind or without an id.
ObjectKey parse_object_key(std::string_view key);
std::string object_key(ObjectKind kind, std::string_view id);
// Decodes `object` as the type its key names and encodes it again (canonical form); throws
// std::invalid_argument when it does not decode or its id differs from the key's.
Json canonical_object(std::string_view key, const Json& object);

}  // namespace neutrino::model
