#include "agent/app/local_vlan_map.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "common/json.hpp"
#include "common/log.hpp"

namespace neutrino::agent {

LocalVlanMap::LocalVlanMap(std::string path) : path_(std::move(path)) {
  std::ifstream in(path_);
  if (!in) {
    return;
  }
  std::stringstream text;
  text << in.rdbuf();
  const Json saved = Json::parse(text.str(), nullptr, false);
  if (!saved.is_object()) {
    log::warning("ignoring unreadable local VLAN map ", path_);
    return;
  }
  for (const auto& [network, lvid] : saved.items()) {
    if (lvid.is_number_integer() && lvid.get<int>() >= 1 && lvid.get<int>() <= 4094) {
      lvids_[network] = lvid.get<int>();
    }
  }
}

const std::map<std::string, int>& LocalVlanMap::update(const std::set<std::string>& networks) {
  bool changed = false;
  for (auto it = lvids_.begin(); it != lvids_.end();) {
    if (networks.contains(it->first)) {
      ++it;
    } else {
      it = lvids_.erase(it);
      changed = true;
    }
  }
  std::set<int> used;
  for (const auto& [network, lvid] : lvids_) {
    used.insert(lvid);
  }
  int next = 1;
  for (const auto& network : networks) {
    if (lvids_.contains(network)) {
      continue;
    }
    while (used.contains(next)) {
      ++next;
    }
    if (next > 4094) {
      throw std::runtime_error("no local VLAN id left for network " + network);
    }
    lvids_[network] = next;
    used.insert(next);
    changed = true;
  }
  if (changed) {
    save();
  }
  return lvids_;
}

void LocalVlanMap::save() const {
  Json out = Json::object();
  for (const auto& [network, lvid] : lvids_) {
    out[network] = lvid;
  }
  const std::string temp = path_ + ".tmp";
  {
    std::ofstream file(temp, std::ios::trunc);
    file << out.dump();
    if (!file.flush()) {
      throw std::runtime_error("cannot write " + temp);
    }
  }
  std::filesystem::rename(temp, path_);
}

}  // namespace neutrino::agent
