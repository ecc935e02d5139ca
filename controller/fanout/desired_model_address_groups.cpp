// DesiredModel's remotes of rules: the remote groups and address groups a host holds because
// the groups of its ports have rules naming them, and the address groups' own changes.
#include "controller/fanout/desired_model.hpp"

namespace neutrino::fanout {

std::set<std::string> address_groups_of(const model::SecurityGroup& group) {
  std::set<std::string> out;
  for (const auto& rule : group.rules) {
    if (rule.remote_address_group_id) {
      out.insert(*rule.remote_address_group_id);
    }
  }
  return out;
}

void DesiredModel::add_rule_remotes(const std::string& host, const model::SecurityGroup& group,
                                    HostDeltas* out) {
  for (const auto& remote : remote_groups_of(group)) {
    add_remote_interest(host, remote, out);
  }
  for (const auto& address_group : address_groups_of(group)) {
    add_address_interest(host, address_group, out);
  }
}

void DesiredModel::drop_rule_remotes(const std::string& host, const model::SecurityGroup& group,
                                     HostDeltas* out) {
  for (const auto& remote : remote_groups_of(group)) {
    drop_remote_interest(host, remote, out);
  }
  for (const auto& address_group : address_groups_of(group)) {
    drop_address_interest(host, address_group, out);
  }
}

void DesiredModel::add_address_interest(const std::string& host, const std::string& group,
                                        HostDeltas* out) {
  if (++hosts_[host].address_groups[group] != 1) {
    return;
  }
  address_group_hosts_[group].insert(host);
  const auto it = address_groups_.find(group);
  if (out && it != address_groups_.end()) {
    out->set(host, "address_group:" + group, std::make_shared<const Json>(Json(it->second)));
  }
}

void DesiredModel::drop_address_interest(const std::string& host, const std::string& group,
                                         HostDeltas* out) {
  auto& interest = hosts_[host];
  if (--interest.address_groups[group] > 0) {
    return;
  }
  interest.address_groups.erase(group);
  auto& hosts = address_group_hosts_[group];
  hosts.erase(host);
  if (hosts.empty()) {
    address_group_hosts_.erase(group);
  }
  if (out) {
    out->remove(host, "address_group:" + group);
  }
}

void DesiredModel::address_group_changed(const std::string& id,
                                         std::optional<model::AddressGroup> now, HostDeltas* out) {
  const auto it = address_groups_.find(id);
  if (it == address_groups_.end() ? !now : now && it->second == *now) {
    return;  // e.g. a new name: nothing an agent holds
  }
  if (now) {
    address_groups_[id] = *now;
  } else {
    address_groups_.erase(id);
  }
  const auto hosts = address_group_hosts_.find(id);
  if (!out || hosts == address_group_hosts_.end()) {
    return;
  }
  const SharedObject object = now ? std::make_shared<const Json>(Json(*now)) : nullptr;
  for (const auto& host : hosts->second) {
    if (object) {
      out->set(host, "address_group:" + id, object);
    } else {
      out->remove(host, "address_group:" + id);
    }
  }
}

void DesiredModel::materialize_address_groups(const HostInterest& interest,
                                              channel::HostState& state) const {
  for (const auto& [group, count] : interest.address_groups) {
    if (const auto it = address_groups_.find(group); it != address_groups_.end()) {
      state["address_group:" + group] = Json(it->second);
    }
  }
}

}  // namespace neutrino::fanout
