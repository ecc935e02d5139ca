#pragma once
// A host's desired state as typed objects (common/model/*.hpp), kept in step with the push
// channel's snapshots and deltas: only the keys a delta names are decoded, so applying one
// costs what it changes, not what the host holds. An object that does not decode as its key's
// type is dropped (and logged, rate-limited), as canonical_object's contract implies: the
// rest of the state still applies. Also the lookups the agent's parts need (the ports, remote
// ports or subnets of a network), maintained with the objects.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "common/model/address_group.hpp"
#include "common/model/floating_ip.hpp"
#include "common/model/instance.hpp"
#include "common/model/network.hpp"
#include "common/model/object_codec.hpp"
#include "common/model/port.hpp"
#include "common/model/remote_group.hpp"
#include "common/model/remote_port.hpp"
#include "common/model/router.hpp"
#include "common/model/security_group.hpp"
#include "common/model/subnet.hpp"

namespace neutrino::model {

// Ids by kind: what a delta changed.
using ChangedObjects = std::map<ObjectKind, std::set<std::string>>;

class HostModel {
 public:
  // Applies {"set": {key: object}, "remove": [key]} and returns the objects that changed (set
  // to a different value, dropped as undecodable, or removed). Keys of no known kind are
  // ignored: a newer controller may send kinds this agent does not use.
  ChangedObjects apply_delta(const Json& delta);
  // Sets or (null object) removes one object; true when the model changed.
  bool apply(const std::string& key, const Json* object);

  template <typename T>
  using Table = std::map<std::string, T>;
  const Table<Port>& ports() const { return ports_; }
  const Table<Network>& networks() const { return networks_; }
  const Table<Subnet>& subnets() const { return subnets_; }
  const Table<RemotePort>& remote_ports() const { return remote_ports_; }
  const Table<SecurityGroup>& security_groups() const { return security_groups_; }
  const Table<RemoteGroup>& remote_groups() const { return remote_groups_; }
  const Table<Instance>& instances() const { return instances_; }
  const Table<Router>& routers() const { return routers_; }
  const Table<FloatingIp>& floating_ips() const { return floating_ips_; }
  const Table<AddressGroup>& address_groups() const { return address_groups_; }

  // Null when the state has no such object.
  const Port* port(const std::string& id) const;
  const Network* network(const std::string& id) const;
  const Subnet* subnet(const std::string& id) const;
  const SecurityGroup* security_group(const std::string& id) const;
  const RemoteGroup* remote_group(const std::string& id) const;
  const AddressGroup* address_group(const std::string& id) const;
  const Router* router(const std::string& id) const;
  // In id order.
  std::vector<const Port*> ports_of_network(const std::string& network_id) const;
  std::vector<const Subnet*> subnets_of_network(const std::string& network_id) const;
  std::vector<const RemotePort*> remote_ports_of_network(const std::string& network_id) const;

  bool operator==(const HostModel&) const = default;

 private:
  template <typename T>
  bool set(Table<T>& table, const std::string& id, const Json& object);
  template <typename T>
  bool erase(Table<T>& table, const std::string& id);
  // Keeps the by-network indexes in step with one port or subnet.
  void unindex(ObjectKind kind, const std::string& id);
  void index(ObjectKind kind, const std::string& id);

  Table<Port> ports_;
  Table<Network> networks_;
  Table<Subnet> subnets_;
  Table<RemotePort> remote_ports_;
  Table<SecurityGroup> security_groups_;
  Table<RemoteGroup> remote_groups_;
  Table<Instance> instances_;
  Table<Router> routers_;
  Table<FloatingIp> floating_ips_;
  Table<AddressGroup> address_groups_;
  std::map<std::string, std::set<std::string>> ports_by_network_;
  std::map<std::string, std::set<std::string>> subnets_by_network_;
  std::map<std::string, std::set<std::string>> remote_ports_by_network_;
};

}  // namespace neutrino::model
