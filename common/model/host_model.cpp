#include "common/model/host_model.hpp"

#include <chrono>
#include <optional>
#include <stdexcept>

#include "common/rate_limited_log.hpp"

namespace neutrino::model {
namespace {

// A controller that sends objects this agent cannot read sends them on every change.
log::RateLimitedLog& decode_log() {
  static log::RateLimitedLog log(5, std::chrono::seconds(60));
  return log;
}

template <typename T>
const T* find(const std::map<std::string, T>& table, const std::string& id) {
  const auto it = table.find(id);
  return it == table.end() ? nullptr : &it->second;
}

template <typename T>
std::vector<const T*> members(const std::map<std::string, T>& table,
                              const std::map<std::string, std::set<std::string>>& index,
                              const std::string& network_id) {
  std::vector<const T*> out;
  const auto ids = index.find(network_id);
  if (ids != index.end()) {
    for (const auto& id : ids->second) {
      out.push_back(&table.at(id));
    }
  }
  return out;
}

std::optional<ObjectKey> known_key(const std::string& key) {
  try {
    return parse_object_key(key);
  } catch (const std::invalid_argument&) {
    return std::nullopt;
  }
}

}  // namespace

ChangedObjects HostModel::apply_delta(const Json& delta) {
  ChangedObjects changed;
  const auto note = [&changed](const std::string& key) {
    ObjectKey parsed = parse_object_key(key);
    changed[parsed.kind].insert(std::move(parsed.id));
  };
  for (const auto& item : delta.at("set").items()) {
    if (apply(item.key(), &item.value())) {
      note(item.key());
    }
  }
  for (const auto& key : delta.at("remove")) {
    if (key.is_string() && apply(key.get<std::string>(), nullptr)) {
      note(key.get<std::string>());
    }
  }
  return changed;
}

bool HostModel::apply(const std::string& key, const Json* object) {
  const auto known = known_key(key);
  if (!known) {
    return false;
  }
  const ObjectKey& parsed = *known;
  unindex(parsed.kind, parsed.id);
  bool changed = false;
  const auto update = [&](auto& table) {
    changed = object == nullptr ? erase(table, parsed.id) : set(table, parsed.id, *object);
  };
  switch (parsed.kind) {
    case ObjectKind::kPort:
      update(ports_);
      break;
    case ObjectKind::kNetwork:
      update(networks_);
      break;
    case ObjectKind::kSubnet:
      update(subnets_);
      break;
    case ObjectKind::kRemotePort:
      update(remote_ports_);
      break;
    case ObjectKind::kSecurityGroup:
      update(security_groups_);
      break;
    case ObjectKind::kRemoteGroup:
      update(remote_groups_);
      break;
    case ObjectKind::kInstance:
      update(instances_);
      break;
    case ObjectKind::kRouter:
      update(routers_);
      break;
    case ObjectKind::kFloatingIp:
      update(floating_ips_);
      break;
    case ObjectKind::kAddressGroup:
      update(address_groups_);
      break;
  }
  index(parsed.kind, parsed.id);
  return changed;
}

template <typename T>
bool HostModel::set(Table<T>& table, const std::string& id, const Json& object) {
  T typed;
  try {
    typed = object.get<T>();
    if (typed.id != id) {
      throw std::invalid_argument("object id '" + typed.id + "' under key of '" + id + "'");
    }
  } catch (const std::exception& e) {
    decode_log().warning("desired state: undecodable object", "desired state: dropped ",
                         id.substr(0, 64), ", which does not decode: ", e.what());
    return erase(table, id);
  }
  const auto [it, inserted] = table.try_emplace(id, typed);
  if (inserted) {
    return true;
  }
  if (it->second == typed) {
    return false;
  }
  it->second = std::move(typed);
  return true;
}

template <typename T>
bool HostModel::erase(Table<T>& table, const std::string& id) {
  return table.erase(id) > 0;
}

void HostModel::unindex(ObjectKind kind, const std::string& id) {
  const auto drop = [&id](auto& index, const std::string& network_id) {
    const auto it = index.find(network_id);
    if (it != index.end() && it->second.erase(id) > 0 && it->second.empty()) {
      index.erase(it);
    }
  };
  if (kind == ObjectKind::kPort) {
    if (const Port* p = port(id)) {
      drop(ports_by_network_, p->network_id);
    }
  } else if (kind == ObjectKind::kSubnet) {
    if (const Subnet* s = subnet(id)) {
      drop(subnets_by_network_, s->network_id);
    }
  } else if (kind == ObjectKind::kRemotePort) {
    if (const RemotePort* r = find(remote_ports_, id)) {
      drop(remote_ports_by_network_, r->network_id);
    }
  }
}

void HostModel::index(ObjectKind kind, const std::string& id) {
  if (kind == ObjectKind::kPort) {
    if (const Port* p = port(id)) {
      ports_by_network_[p->network_id].insert(id);
    }
  } else if (kind == ObjectKind::kSubnet) {
    if (const Subnet* s = subnet(id)) {
      subnets_by_network_[s->network_id].insert(id);
    }
  } else if (kind == ObjectKind::kRemotePort) {
    if (const RemotePort* r = find(remote_ports_, id)) {
      remote_ports_by_network_[r->network_id].insert(id);
    }
  }
}

const Port* HostModel::port(const std::string& id) const {
  return find(ports_, id);
}

const Network* HostModel::network(const std::string& id) const {
  return find(networks_, id);
}

const Subnet* HostModel::subnet(const std::string& id) const {
  return find(subnets_, id);
}

const SecurityGroup* HostModel::security_group(const std::string& id) const {
  return find(security_groups_, id);
}

const RemoteGroup* HostModel::remote_group(const std::string& id) const {
  return find(remote_groups_, id);
}

const AddressGroup* HostModel::address_group(const std::string& id) const {
  return find(address_groups_, id);
}

const Router* HostModel::router(const std::string& id) const {
  return find(routers_, id);
}

std::vector<const Port*> HostModel::ports_of_network(const std::string& network_id) const {
  return members(ports_, ports_by_network_, network_id);
}

std::vector<const Subnet*> HostModel::subnets_of_network(const std::string& network_id) const {
  return members(subnets_, subnets_by_network_, network_id);
}

std::vector<const RemotePort*> HostModel::remote_ports_of_network(
    const std::string& network_id) const {
  return members(remote_ports_, remote_ports_by_network_, network_id);
}

}  // namespace neutrino::model
