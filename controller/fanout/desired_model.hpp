#pragma once
// The desired state of every host, kept in memory and changed one object at a time, with the
// interest index that says which hosts an object matters to: network -> hosts with a port on
// it, security group -> hosts with a member port, remote group -> hosts whose groups' rules name
// it, address group -> hosts whose groups' rules name it as remote_address_group_id, router ->
// hosts with a port on one of its interfaces' networks (router_networks()) and its gateway host
// (gateway_host.hpp), floating IP -> the hosts of its router. A host holding a router also
// holds every network the router has an interface on (network, subnets, remote ports), since it
// routes to them; that does not make it hold those networks' other routers. A change costs what
// it changes: a port update reaches its host and the hosts of its network; only a host that gains
// (or loses) a network gets (or drops) all of that network's objects. Each handler writes what
// changed per host into a HostDeltas (or nothing, while the model is being loaded).
// materialize() rebuilds one host's whole state from the model, for snapshots and for the check
// against a full recompute from SQL.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/channel/host_state.hpp"
#include "common/model/address_group.hpp"
#include "common/model/floating_ip.hpp"
#include "common/model/remote_group.hpp"
#include "common/model/remote_port.hpp"
#include "common/model/router.hpp"
#include "controller/fanout/host_deltas.hpp"
#include "controller/fanout/model_records.hpp"

namespace neutrino::fanout {

class DesiredModel {
 public:
  // Each takes the object as it is now (nullopt: it is gone) and records what that changes
  // for every host in `out` (null: record nothing).
  void port_changed(const std::string& id, std::optional<PortRecord> now, HostDeltas* out);
  void network_changed(const std::string& id, std::optional<model::Network> now, HostDeltas* out);
  void subnet_changed(const std::string& id, std::optional<model::Subnet> now, HostDeltas* out);
  void group_changed(const std::string& id, std::optional<model::SecurityGroup> now,
                     HostDeltas* out);
  // desired_model_address_groups.cpp: reaches only the hosts whose rules name the group.
  void address_group_changed(const std::string& id, std::optional<model::AddressGroup> now,
                             HostDeltas* out);
  // `tunnel_ip` "" when the host has no agent (any more).
  void agent_changed(const std::string& host, const std::string& tunnel_ip, HostDeltas* out);
  void instance_changed(const std::string& id, std::optional<InstanceRecord> now, HostDeltas* out);
  // Routers and floating IPs (desired_model_l3.cpp); a floating IP is only an object while
  // associated.
  void router_changed(const std::string& id, std::optional<model::Router> now, HostDeltas* out);
  void floating_ip_changed(const std::string& id, std::optional<model::FloatingIp> now,
                           HostDeltas* out);

  // Instances with a port on the network (their objects carry its MTU).
  std::vector<std::string> instances_on_network(const std::string& network_id) const;
  channel::HostState materialize(const std::string& host) const;
  // Hosts that hold anything.
  std::vector<std::string> hosts() const;
  size_t ports() const { return ports_.size(); }

 private:
  struct HostInterest {
    std::map<std::string, int> networks;  // network -> ports of this host on it
    // network -> held routers with an interface on it: the host routes to it (east-west
    // routing on the source host), so it holds the network, its subnets and remote ports too.
    std::map<std::string, int> routed;
    std::map<std::string, int> groups;          // group -> ports of this host in it
    std::map<std::string, int> remote_groups;   // group -> held groups whose rules name it
    std::map<std::string, int> address_groups;  // address group -> held groups naming it
    std::set<std::string> ports;
    std::set<std::string> instances;
    std::set<std::string> gateway_routers;  // routers whose gateway host this is
    bool empty() const { return ports.empty() && instances.empty() && gateway_routers.empty(); }
    bool holds_network(const std::string& id) const {
      return networks.contains(id) || routed.contains(id);
    }
  };

  void bind_port(const PortRecord& record, HostDeltas* out);
  void unbind_port(const PortRecord& record, HostDeltas* out);
  void add_network_interest(const std::string& host, const std::string& network, HostDeltas* out);
  void drop_network_interest(const std::string& host, const std::string& network, HostDeltas* out);
  // The host starts / stops holding the network's objects (through a port or a router).
  void hold_network(const std::string& host, const std::string& network, HostDeltas* out);
  void release_network(const std::string& host, const std::string& network, HostDeltas* out);
  // +1 / -1 held router of `host` with an interface on `network`.
  void count_routed(const std::string& host, const std::string& network, int delta,
                    HostDeltas* out);
  void add_group_interest(const std::string& host, const std::string& group, HostDeltas* out);
  void drop_group_interest(const std::string& host, const std::string& group, HostDeltas* out);
  void add_remote_interest(const std::string& host, const std::string& group, HostDeltas* out);
  void drop_remote_interest(const std::string& host, const std::string& group, HostDeltas* out);
  void add_address_interest(const std::string& host, const std::string& group, HostDeltas* out);
  void drop_address_interest(const std::string& host, const std::string& group, HostDeltas* out);
  // The remote groups and address groups `host` holds because it holds `group`'s rules.
  void add_rule_remotes(const std::string& host, const model::SecurityGroup& group,
                        HostDeltas* out);
  void drop_rule_remotes(const std::string& host, const model::SecurityGroup& group,
                         HostDeltas* out);
  // Member addresses: +1 / -1 per (group, address) of the port; marks groups that changed.
  void count_addresses(const PortRecord& record, int delta, std::set<std::string>& changed);
  void send_remote_port(const std::string& id, HostDeltas* out);
  void send_remote_group(const std::string& group, HostDeltas* out);
  // Hosts that hold the router: those with a port on one of its networks, and its gateway host.
  std::set<std::string> router_hosts(const std::string& router) const;
  // The router's gateway host moved from `before` to `after` ("" for none).
  void move_gateway_host(const std::string& router, const std::string& before,
                         const std::string& after);
  // After `host` gained (or lost) interest in `network`: the routers on it it now holds (or no
  // longer holds), with their floating IPs.
  void routers_gained(const std::string& host, const std::string& network, HostDeltas* out);
  void routers_lost(const std::string& host, const std::string& network, HostDeltas* out);
  // Whether `host` holds the router through a network other than `except`.
  bool holds_router_elsewhere(const std::string& host, const std::string& router,
                              const std::string& except) const;
  // The host starts / stops holding the router: its object and the networks it routes to.
  void hold_router(const std::string& host, const std::string& router, HostDeltas* out);
  void release_router(const std::string& host, const std::string& router, HostDeltas* out);
  void send_router(const std::string& host, const std::string& router, HostDeltas* out) const;
  // A router's hosts or interface networks changed: the routed-network counts follow.
  void route_changed_networks(const std::set<std::string>& hosts_before,
                              const std::set<std::string>& networks_before,
                              const std::set<std::string>& hosts_after,
                              const std::set<std::string>& networks_after, HostDeltas* out);
  void drop_router(const std::string& host, const std::string& router, HostDeltas* out) const;
  void materialize_routers(const std::string& network, channel::HostState& state) const;
  void materialize_router(const std::string& router, channel::HostState& state) const;

  SharedObject port_object(const PortRecord& record) const;
  SharedObject remote_port_object(const PortRecord& record) const;
  SharedObject network_object(const std::string& id) const;
  SharedObject subnet_object(const std::string& id) const;
  SharedObject group_object(const std::string& id) const;
  SharedObject remote_group_object(const std::string& id) const;
  SharedObject instance_object(const std::string& id) const;
  void materialize_address_groups(const HostInterest& interest, channel::HostState& state) const;
  // The object a key of `host` names now, or nullptr if the host holds no such key.
  bool holds_remote_port(const std::string& host, const PortRecord& record) const;

  std::unordered_map<std::string, PortRecord> ports_;
  std::unordered_map<std::string, model::Network> networks_;
  std::unordered_map<std::string, model::Subnet> subnets_;
  std::unordered_map<std::string, std::set<std::string>> network_subnets_;
  std::unordered_map<std::string, std::set<std::string>> network_ports_;  // bound ports only
  std::unordered_map<std::string, model::SecurityGroup> groups_;
  std::unordered_map<std::string, std::map<std::string, int>> group_addresses_;
  std::unordered_map<std::string, model::AddressGroup> address_groups_;
  std::unordered_map<std::string, std::string> tunnel_ips_;
  // Each port's remote object, built once and shared by every host that holds it: a network
  // on 1,000 hosts would otherwise keep 1,000 copies of each in the hosts' resync history.
  // Dropped when the port or its host's tunnel IP changes.
  mutable std::unordered_map<std::string, SharedObject> remote_objects_;
  std::unordered_map<std::string, InstanceRecord> instances_;
  std::unordered_map<std::string, HostInterest> hosts_;
  std::unordered_map<std::string, model::Router> routers_;
  std::unordered_map<std::string, std::set<std::string>> network_routers_;
  std::unordered_map<std::string, model::FloatingIp> floating_ips_;
  std::unordered_map<std::string, std::set<std::string>> router_floating_ips_;
  // The interest index, the reverse of HostInterest's counts.
  std::unordered_map<std::string, std::set<std::string>> network_hosts_;
  std::unordered_map<std::string, std::set<std::string>> group_hosts_;
  std::unordered_map<std::string, std::set<std::string>> remote_group_hosts_;
  std::unordered_map<std::string, std::set<std::string>> address_group_hosts_;
};

}  // namespace neutrino::fanout
