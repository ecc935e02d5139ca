#include "dataplane/pipeline/remote_groups.hpp"

#include <algorithm>

#include "dataplane/pipeline/address.hpp"

namespace neutrino::dataplane::pipeline {
namespace {

std::uint32_t fnv1a(const std::string& text) {
  std::uint32_t hash = 2166136261u;
  for (const unsigned char c : text) {
    hash = (hash ^ c) * 16777619u;
  }
  return hash;
}

std::uint32_t preferred_id(const ConjunctionKey& key) {
  const auto& [group, direction, ethertype, stateless] = key;
  // Stateful keys hash as they did before stateless groups existed: their ids do not move.
  const std::string text = group + (direction == Direction::kIngress ? "/in" : "/out") +
                           (ethertype == Ethertype::kIPv4 ? "/4" : "/6") +
                           (stateless ? "/stateless" : "");
  return (fnv1a(text) & 0x7fffffffu) | 1u;  // never 0
}

void sort_unique(std::vector<std::string>& list) {
  std::sort(list.begin(), list.end());
  list.erase(std::unique(list.begin(), list.end()), list.end());
}

constexpr std::string_view kAddressGroup = "address_group:";

// The addresses of a ConjunctionKey's remote; null when the state does not hold it.
const std::vector<std::string>* remote_addresses(const model::HostModel& model,
                                                 const std::string& remote) {
  if (remote.starts_with(kAddressGroup)) {
    const auto* group = model.address_group(remote.substr(kAddressGroup.size()));
    return group != nullptr ? &group->addresses : nullptr;
  }
  const auto* group = model.remote_group(remote);
  return group != nullptr ? &group->addresses : nullptr;
}

}  // namespace

std::optional<std::string> conjunction_remote(const FirewallRule& rule) {
  if (rule.remote_address_group) {
    return std::string(kAddressGroup) + *rule.remote_address_group;
  }
  return rule.remote_group;
}

RemoteGroups::RemoteGroups(const model::HostModel& model, const std::set<ConjunctionKey>& used) {
  std::set<std::uint32_t> taken;
  for (const auto& key : used) {
    std::uint32_t id = preferred_id(key);
    while (taken.contains(id)) {
      id = id == 0x7fffffffu ? 1 : id + 1;
    }
    taken.insert(id);
    ids_.emplace(key, id);
    const std::string& group = std::get<0>(key);
    if (groups_.contains(group)) {
      continue;
    }
    GroupAddresses& addresses = groups_[group];
    const auto* listed = remote_addresses(model, group);
    if (listed == nullptr) {
      continue;
    }
    for (const auto& text : *listed) {
      if (const auto v4 = ipv4_prefix(text)) {
        addresses.ipv4.push_back(*v4);
      } else if (const auto v6 = ipv6_prefix(text)) {
        addresses.ipv6.push_back(*v6);
      }
    }
    sort_unique(addresses.ipv4);
    sort_unique(addresses.ipv6);
  }
}

const GroupAddresses& RemoteGroups::addresses(const std::string& group) const {
  static const GroupAddresses kNone;
  const auto it = groups_.find(group);
  return it == groups_.end() ? kNone : it->second;
}

}  // namespace neutrino::dataplane::pipeline
