#include "controller/fanout/desired_model.hpp"

#include <algorithm>

namespace neutrino::fanout {
namespace {

template <typename T>
SharedObject shared(const T& object) {
  return std::make_shared<const Json>(Json(object));
}

std::set<std::string> minus(const std::set<std::string>& a, const std::set<std::string>& b) {
  std::set<std::string> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::inserter(out, out.end()));
  return out;
}

std::set<std::string> group_set(const PortRecord& record) {
  return {record.port.security_groups.begin(), record.port.security_groups.end()};
}

}  // namespace

std::set<std::string> remote_groups_of(const model::SecurityGroup& group) {
  std::set<std::string> out;
  for (const auto& rule : group.rules) {
    if (rule.remote_group_id) {
      out.insert(*rule.remote_group_id);
    }
  }
  return out;
}

void DesiredModel::port_changed(const std::string& id, std::optional<PortRecord> now,
                                HostDeltas* out) {
  std::optional<PortRecord> old;
  if (const auto it = ports_.find(id); it != ports_.end()) {
    old = it->second;
  }
  if (old == now) {
    return;  // e.g. a status change: nothing an agent holds
  }
  remote_objects_.erase(id);
  std::set<std::string> changed_groups;
  const bool same_host = old && now && old->host == now->host && !old->host.empty();
  if (old) {
    count_addresses(*old, -1, changed_groups);
    if (same_host) {
      for (const auto& g : minus(group_set(*old), group_set(*now))) {
        drop_group_interest(old->host, g, out);
      }
    } else if (!old->host.empty()) {
      unbind_port(*old, out);
    }
  }
  if (now) {
    ports_[id] = *now;
    count_addresses(*now, +1, changed_groups);
    if (same_host) {
      for (const auto& g : minus(group_set(*now), group_set(*old))) {
        add_group_interest(now->host, g, out);
      }
      if (out) {
        out->set(now->host, "port:" + id, port_object(*now));
      }
    } else if (!now->host.empty()) {
      bind_port(*now, out);
    }
  } else {
    ports_.erase(id);
  }
  // The other hosts of the network hold it as a remote port.
  const bool remote_same = old && now && same_host &&
                           old->port.mac_address == now->port.mac_address &&
                           old->port.fixed_ips == now->port.fixed_ips &&
                           old->port.allowed_address_pairs == now->port.allowed_address_pairs;
  if (out && !remote_same) {
    const std::string& network = now ? now->port.network_id : old->port.network_id;
    if (const auto it = network_hosts_.find(network); it != network_hosts_.end()) {
      const SharedObject remote = now ? remote_port_object(*now) : nullptr;
      for (const auto& host : it->second) {
        if (now && holds_remote_port(host, *now)) {
          out->set(host, "remote:" + id, remote);
        } else if (old && !old->host.empty() && old->host != host) {
          out->remove(host, "remote:" + id);
        }
      }
    }
  }
  for (const auto& g : changed_groups) {
    send_remote_group(g, out);
  }
}

void DesiredModel::bind_port(const PortRecord& record, HostDeltas* out) {
  const std::string& id = record.port.id;
  hosts_[record.host].ports.insert(id);
  network_ports_[record.port.network_id].insert(id);
  add_network_interest(record.host, record.port.network_id, out);
  for (const auto& g : record.port.security_groups) {
    add_group_interest(record.host, g, out);
  }
  if (out) {
    out->set(record.host, "port:" + id, port_object(record));
  }
}

void DesiredModel::unbind_port(const PortRecord& record, HostDeltas* out) {
  const std::string& id = record.port.id;
  if (out) {
    out->remove(record.host, "port:" + id);
  }
  auto& net_ports = network_ports_[record.port.network_id];
  net_ports.erase(id);
  if (net_ports.empty()) {
    network_ports_.erase(record.port.network_id);
  }
  for (const auto& g : record.port.security_groups) {
    drop_group_interest(record.host, g, out);
  }
  drop_network_interest(record.host, record.port.network_id, out);
  auto& host = hosts_[record.host];
  host.ports.erase(id);
  if (host.empty()) {
    hosts_.erase(record.host);
  }
}

bool DesiredModel::holds_remote_port(const std::string& host, const PortRecord& record) const {
  if (record.host.empty() || record.host == host) {
    return false;
  }
  const auto it = hosts_.find(host);
  return it != hosts_.end() && it->second.holds_network(record.port.network_id);
}

void DesiredModel::add_network_interest(const std::string& host, const std::string& network,
                                        HostDeltas* out) {
  auto& interest = hosts_[host];
  const bool held = interest.holds_network(network);
  if (++interest.networks[network] != 1) {
    return;
  }
  if (!held) {
    hold_network(host, network, out);
  }
  routers_gained(host, network, out);
}

void DesiredModel::drop_network_interest(const std::string& host, const std::string& network,
                                         HostDeltas* out) {
  auto& interest = hosts_[host];
  if (--interest.networks[network] > 0) {
    return;
  }
  interest.networks.erase(network);
  // A router held through this network routes to it: releasing the router releases it.
  const bool routed = interest.routed.contains(network);
  routers_lost(host, network, out);
  if (!routed) {
    release_network(host, network, out);
  }
}

void DesiredModel::count_routed(const std::string& host, const std::string& network, int delta,
                                HostDeltas* out) {
  auto& interest = hosts_[host];
  const bool before = interest.holds_network(network);
  if ((interest.routed[network] += delta) <= 0) {
    interest.routed.erase(network);
  }
  const bool after = interest.holds_network(network);
  if (!before && after) {
    hold_network(host, network, out);
  } else if (before && !after) {
    release_network(host, network, out);
  }
}

void DesiredModel::hold_network(const std::string& host, const std::string& network,
                                HostDeltas* out) {
  network_hosts_[network].insert(host);
  if (!out) {
    return;
  }
  if (networks_.contains(network)) {
    out->set(host, "network:" + network, network_object(network));
  }
  if (const auto it = network_subnets_.find(network); it != network_subnets_.end()) {
    for (const auto& s : it->second) {
      out->set(host, "subnet:" + s, subnet_object(s));
    }
  }
  if (const auto it = network_ports_.find(network); it != network_ports_.end()) {
    for (const auto& p : it->second) {
      const PortRecord& record = ports_.at(p);
      if (record.host != host) {
        out->set(host, "remote:" + p, remote_port_object(record));
      }
    }
  }
}

void DesiredModel::release_network(const std::string& host, const std::string& network,
                                   HostDeltas* out) {
  auto& hosts = network_hosts_[network];
  hosts.erase(host);
  if (hosts.empty()) {
    network_hosts_.erase(network);
  }
  if (!out) {
    return;
  }
  out->remove(host, "network:" + network);
  if (const auto it = network_subnets_.find(network); it != network_subnets_.end()) {
    for (const auto& s : it->second) {
      out->remove(host, "subnet:" + s);
    }
  }
  if (const auto it = network_ports_.find(network); it != network_ports_.end()) {
    for (const auto& p : it->second) {
      if (ports_.at(p).host != host) {
        out->remove(host, "remote:" + p);
      }
    }
  }
}

void DesiredModel::add_group_interest(const std::string& host, const std::string& group,
                                      HostDeltas* out) {
  if (++hosts_[host].groups[group] != 1) {
    return;
  }
  group_hosts_[group].insert(host);
  const auto it = groups_.find(group);
  if (it == groups_.end()) {
    return;  // group_changed() adds the rest when the group arrives
  }
  if (out) {
    out->set(host, "security_group:" + group, group_object(group));
  }
  add_rule_remotes(host, it->second, out);
}

void DesiredModel::drop_group_interest(const std::string& host, const std::string& group,
                                       HostDeltas* out) {
  auto& interest = hosts_[host];
  if (--interest.groups[group] > 0) {
    return;
  }
  interest.groups.erase(group);
  auto& hosts = group_hosts_[group];
  hosts.erase(host);
  if (hosts.empty()) {
    group_hosts_.erase(group);
  }
  if (out) {
    out->remove(host, "security_group:" + group);
  }
  if (const auto it = groups_.find(group); it != groups_.end()) {
    drop_rule_remotes(host, it->second, out);
  }
}

void DesiredModel::add_remote_interest(const std::string& host, const std::string& group,
                                       HostDeltas* out) {
  if (++hosts_[host].remote_groups[group] != 1) {
    return;
  }
  remote_group_hosts_[group].insert(host);
  if (out) {
    out->set(host, "remote_group:" + group, remote_group_object(group));
  }
}

void DesiredModel::drop_remote_interest(const std::string& host, const std::string& group,
                                        HostDeltas* out) {
  auto& interest = hosts_[host];
  if (--interest.remote_groups[group] > 0) {
    return;
  }
  interest.remote_groups.erase(group);
  auto& hosts = remote_group_hosts_[group];
  hosts.erase(host);
  if (hosts.empty()) {
    remote_group_hosts_.erase(group);
  }
  if (out) {
    out->remove(host, "remote_group:" + group);
  }
}

void DesiredModel::count_addresses(const PortRecord& record, int delta,
                                   std::set<std::string>& changed) {
  for (const auto& g : record.port.security_groups) {
    auto& addresses = group_addresses_[g];
    // A member's allowed address pairs are members too, as in Neutron's remote-group sets.
    std::vector<std::string> member;
    for (const auto& ip : record.port.fixed_ips) {
      member.push_back(ip.ip_address);
    }
    for (const auto& pair : record.port.allowed_address_pairs) {
      member.push_back(pair.ip_address);
    }
    for (const auto& address : member) {
      int& count = addresses[address];
      const bool was = count > 0;
      count += delta;
      const bool is = count > 0;  // read before the erase below frees `count`
      if (!is) {
        addresses.erase(address);
      }
      if (was != is) {
        changed.insert(g);
      }
    }
    if (addresses.empty()) {
      group_addresses_.erase(g);
    }
  }
}

void DesiredModel::send_remote_port(const std::string& id, HostDeltas* out) {
  const auto port = ports_.find(id);
  if (!out || port == ports_.end()) {
    return;
  }
  const auto hosts = network_hosts_.find(port->second.port.network_id);
  if (hosts == network_hosts_.end()) {
    return;
  }
  const SharedObject remote = remote_port_object(port->second);
  for (const auto& host : hosts->second) {
    if (holds_remote_port(host, port->second)) {
      out->set(host, "remote:" + id, remote);
    }
  }
}

void DesiredModel::send_remote_group(const std::string& group, HostDeltas* out) {
  const auto hosts = remote_group_hosts_.find(group);
  if (!out || hosts == remote_group_hosts_.end()) {
    return;
  }
  const SharedObject object = remote_group_object(group);
  for (const auto& host : hosts->second) {
    out->set(host, "remote_group:" + group, object);
  }
}

SharedObject DesiredModel::port_object(const PortRecord& record) const {
  return shared(record.port);
}

SharedObject DesiredModel::remote_port_object(const PortRecord& record) const {
  auto& object = remote_objects_[record.port.id];
  if (!object) {
    const auto ip = tunnel_ips_.find(record.host);
    object =
        shared(model::RemotePort{record.port.id, record.port.network_id, record.port.mac_address,
                                 record.host, ip == tunnel_ips_.end() ? "" : ip->second,
                                 record.port.fixed_ips, record.port.allowed_address_pairs});
  }
  return object;
}

SharedObject DesiredModel::network_object(const std::string& id) const {
  return shared(networks_.at(id));
}

SharedObject DesiredModel::subnet_object(const std::string& id) const {
  return shared(subnets_.at(id));
}

SharedObject DesiredModel::group_object(const std::string& id) const {
  return shared(groups_.at(id));
}

SharedObject DesiredModel::remote_group_object(const std::string& id) const {
  model::RemoteGroup group{id, {}};
  if (const auto it = group_addresses_.find(id); it != group_addresses_.end()) {
    for (const auto& [address, count] : it->second) {
      group.addresses.push_back(address);
    }
  }
  return shared(group);
}

SharedObject DesiredModel::instance_object(const std::string& id) const {
  return shared(instances_.at(id).instance);
}

}  // namespace neutrino::fanout
