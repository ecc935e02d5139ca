#include "common/model/object_codec.hpp"

#include <array>
#include <stdexcept>
#include <utility>

#include "common/model/address_group.hpp"
#include "common/model/floating_ip.hpp"
#include "common/model/instance.hpp"
#include "common/model/network.hpp"
#include "common/model/port.hpp"
#include "common/model/remote_group.hpp"
#include "common/model/remote_port.hpp"
#include "common/model/router.hpp"
#include "common/model/security_group.hpp"
#include "common/model/subnet.hpp"

namespace neutrino::model {
namespace {

constexpr std::array<std::pair<ObjectKind, std::string_view>, 10> kKinds = {{
    {ObjectKind::kPort, "port"},
    {ObjectKind::kNetwork, "network"},
    {ObjectKind::kSubnet, "subnet"},
    {ObjectKind::kRemotePort, "remote"},
    {ObjectKind::kSecurityGroup, "security_group"},
    {ObjectKind::kRemoteGroup, "remote_group"},
    {ObjectKind::kInstance, "instance"},
    {ObjectKind::kRouter, "router"},
    {ObjectKind::kFloatingIp, "floatingip"},
    {ObjectKind::kAddressGroup, "address_group"},
}};

template <typename T>
Json round_trip(const Json& object, const std::string& id) {
  T typed = object.get<T>();
  if (typed.id != id) {
    throw std::invalid_argument("object id '" + typed.id + "' under key of '" + id + "'");
  }
  return Json(typed);
}

}  // namespace

ObjectKey parse_object_key(std::string_view key) {
  const size_t colon = key.find(':');
  if (colon != std::string_view::npos && colon + 1 < key.size()) {
    for (const auto& [kind, name] : kKinds) {
      if (key.substr(0, colon) == name) {
        return {kind, std::string(key.substr(colon + 1))};
      }
    }
  }
  throw std::invalid_argument("unknown object key '" + std::string(key.substr(0, 64)) + "'");
}

std::string object_key(ObjectKind kind, std::string_view id) {
  for (const auto& [k, name] : kKinds) {
    if (k == kind) {
      return std::string(name) + ":" + std::string(id);
    }
  }
  throw std::invalid_argument("unknown object kind");
}

Json canonical_object(std::string_view key, const Json& object) {
  const ObjectKey parsed = parse_object_key(key);
  try {
    switch (parsed.kind) {
      case ObjectKind::kPort:
        return round_trip<Port>(object, parsed.id);
      case ObjectKind::kNetwork:
        return round_trip<Network>(object, parsed.id);
      case ObjectKind::kSubnet:
        return round_trip<Subnet>(object, parsed.id);
      case ObjectKind::kRemotePort:
        return round_trip<RemotePort>(object, parsed.id);
      case ObjectKind::kSecurityGroup:
        return round_trip<SecurityGroup>(object, parsed.id);
      case ObjectKind::kRemoteGroup:
        return round_trip<RemoteGroup>(object, parsed.id);
      case ObjectKind::kInstance:
        return round_trip<Instance>(object, parsed.id);
      case ObjectKind::kRouter:
        return round_trip<Router>(object, parsed.id);
      case ObjectKind::kFloatingIp:
        return round_trip<FloatingIp>(object, parsed.id);
      case ObjectKind::kAddressGroup:
        return round_trip<AddressGroup>(object, parsed.id);
    }
  } catch (const Json::exception& e) {
    throw std::invalid_argument(std::string(key.substr(0, 64)) + ": " + e.what());
  }
  throw std::invalid_argument("unknown object kind");
}

}  // namespace neutrino::model
