#pragma once
// What one batch of journal entries changes for each host: per host, per object key, the new
// object or nullptr for "remove". A later write to the same key wins, so the model can emit
// changes as it goes and each host still gets one minimal-ish delta per batch.
#include <map>
#include <memory>
#include <string>
#include <unordered_map>

#include "common/json.hpp"

namespace neutrino::fanout {

using SharedObject = std::shared_ptr<const Json>;  // one encoding shared by every host

class HostDeltas {
 public:
  void set(const std::string& host, const std::string& key, const SharedObject& object) {
    by_host_[host][key] = object;
  }
  void remove(const std::string& host, const std::string& key) { by_host_[host][key] = nullptr; }

  using Changes = std::map<std::string, SharedObject>;  // key -> object, nullptr = remove
  const std::unordered_map<std::string, Changes>& by_host() const { return by_host_; }
  bool empty() const { return by_host_.empty(); }
  // {"set": {key: object}, "remove": [key]}, the delta format of common/channel/host_state.hpp.
  static Json to_delta(const Changes& changes);

 private:
  std::unordered_map<std::string, Changes> by_host_;
};

inline Json HostDeltas::to_delta(const Changes& changes) {
  Json set = Json::object();
  Json remove = Json::array();
  for (const auto& [key, object] : changes) {
    if (object) {
      set[key] = *object;
    } else {
      remove.push_back(key);
    }
  }
  return {{"set", std::move(set)}, {"remove", std::move(remove)}};
}

}  // namespace neutrino::fanout
