// DesiredModel's handlers for the objects a host holds because of its ports (networks,
// subnets, groups), agents and instances, and the whole-host view.
#include "controller/fanout/desired_model.hpp"

#include <algorithm>

namespace neutrino::fanout {

void DesiredModel::network_changed(const std::string& id, std::optional<model::Network> now,
                                   HostDeltas* out) {
  const auto it = networks_.find(id);
  if (it != networks_.end() && now && it->second == *now) {
    return;
  }
  if (now) {
    networks_[id] = *now;
  } else {
    networks_.erase(id);
  }
  const auto hosts = network_hosts_.find(id);
  if (!out || hosts == network_hosts_.end()) {
    return;
  }
  const SharedObject object = now ? network_object(id) : nullptr;
  for (const auto& host : hosts->second) {
    if (object) {
      out->set(host, "network:" + id, object);
    } else {
      out->remove(host, "network:" + id);
    }
  }
}

void DesiredModel::subnet_changed(const std::string& id, std::optional<model::Subnet> now,
                                  HostDeltas* out) {
  const auto it = subnets_.find(id);
  if (it == subnets_.end() && !now) {
    return;
  }
  if (it != subnets_.end() && now && it->second == *now) {
    return;
  }
  const std::string network = now ? now->network_id : it->second.network_id;
  if (now) {
    subnets_[id] = *now;
    network_subnets_[network].insert(id);
  } else {
    subnets_.erase(id);
    auto& subnets = network_subnets_[network];
    subnets.erase(id);
    if (subnets.empty()) {
      network_subnets_.erase(network);
    }
  }
  const auto hosts = network_hosts_.find(network);
  if (!out || hosts == network_hosts_.end()) {
    return;
  }
  const SharedObject object = now ? subnet_object(id) : nullptr;
  for (const auto& host : hosts->second) {
    if (object) {
      out->set(host, "subnet:" + id, object);
    } else {
      out->remove(host, "subnet:" + id);
    }
  }
}

void DesiredModel::group_changed(const std::string& id, std::optional<model::SecurityGroup> now,
                                 HostDeltas* out) {
  const auto it = groups_.find(id);
  if (it == groups_.end() && !now) {
    return;
  }
  if (it != groups_.end() && now && it->second == *now) {
    return;
  }
  const model::SecurityGroup before = it == groups_.end() ? model::SecurityGroup{} : it->second;
  if (now) {
    groups_[id] = *now;
  } else {
    groups_.erase(id);
  }
  const auto hosts = group_hosts_.find(id);
  if (hosts == group_hosts_.end()) {
    return;
  }
  const SharedObject object = now ? group_object(id) : nullptr;
  const std::set<std::string> interested = hosts->second;  // the loop may change the index
  for (const auto& host : interested) {
    // Gain before losing: a remote both rule sets name stays held, and is not re-sent.
    if (now) {
      add_rule_remotes(host, *now, out);
    }
    drop_rule_remotes(host, before, out);
    if (out && object) {
      out->set(host, "security_group:" + id, object);
    } else if (out) {
      out->remove(host, "security_group:" + id);
    }
  }
}

void DesiredModel::agent_changed(const std::string& host, const std::string& tunnel_ip,
                                 HostDeltas* out) {
  const auto it = tunnel_ips_.find(host);
  const std::string before = it == tunnel_ips_.end() ? "" : it->second;
  if (before == tunnel_ip) {
    return;
  }
  if (tunnel_ip.empty()) {
    tunnel_ips_.erase(host);
  } else {
    tunnel_ips_[host] = tunnel_ip;
  }
  if (const auto interest = hosts_.find(host); interest != hosts_.end()) {
    for (const auto& port : interest->second.ports) {
      remote_objects_.erase(port);  // it carries the tunnel IP
      send_remote_port(port, out);
    }
  }
}

void DesiredModel::instance_changed(const std::string& id, std::optional<InstanceRecord> now,
                                    HostDeltas* out) {
  const auto it = instances_.find(id);
  std::optional<InstanceRecord> old;
  if (it != instances_.end()) {
    old = it->second;
  }
  if (old == now) {
    return;
  }
  if (old && (!now || now->host != old->host)) {
    auto& interest = hosts_[old->host];
    interest.instances.erase(id);
    if (interest.empty()) {
      hosts_.erase(old->host);
    }
    if (out) {
      out->remove(old->host, "instance:" + id);
    }
  }
  if (!now) {
    instances_.erase(id);
    return;
  }
  instances_[id] = *now;
  hosts_[now->host].instances.insert(id);
  if (out) {
    out->set(now->host, "instance:" + id, instance_object(id));
  }
}

std::vector<std::string> DesiredModel::instances_on_network(const std::string& network_id) const {
  std::vector<std::string> out;
  for (const auto& [id, record] : instances_) {
    if (record.networks.contains(network_id)) {
      out.push_back(id);
    }
  }
  return out;
}

std::vector<std::string> DesiredModel::hosts() const {
  std::vector<std::string> out;
  for (const auto& [host, interest] : hosts_) {
    if (!interest.empty()) {
      out.push_back(host);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

channel::HostState DesiredModel::materialize(const std::string& host) const {
  channel::HostState state;
  const auto it = hosts_.find(host);
  if (it == hosts_.end()) {
    return state;
  }
  const HostInterest& interest = it->second;
  for (const auto& id : interest.ports) {
    state["port:" + id] = *port_object(ports_.at(id));
  }
  for (const auto& [network, count] : interest.networks) {
    materialize_routers(network, state);
  }
  for (const auto& router : interest.gateway_routers) {
    materialize_router(router, state);
  }
  std::set<std::string> held;
  for (const auto& [network, count] : interest.networks) {
    held.insert(network);
  }
  for (const auto& [network, count] : interest.routed) {
    held.insert(network);
  }
  for (const auto& network : held) {
    if (!networks_.contains(network)) {
      continue;
    }
    state["network:" + network] = *network_object(network);
    if (const auto s = network_subnets_.find(network); s != network_subnets_.end()) {
      for (const auto& id : s->second) {
        state["subnet:" + id] = *subnet_object(id);
      }
    }
    if (const auto p = network_ports_.find(network); p != network_ports_.end()) {
      for (const auto& id : p->second) {
        if (ports_.at(id).host != host) {
          state["remote:" + id] = *remote_port_object(ports_.at(id));
        }
      }
    }
  }
  for (const auto& [group, count] : interest.groups) {
    if (groups_.contains(group)) {
      state["security_group:" + group] = *group_object(group);
    }
  }
  for (const auto& [group, count] : interest.remote_groups) {
    state["remote_group:" + group] = *remote_group_object(group);
  }
  materialize_address_groups(interest, state);
  for (const auto& id : interest.instances) {
    state["instance:" + id] = *instance_object(id);
  }
  return state;
}

}  // namespace neutrino::fanout
