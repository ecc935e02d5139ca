#pragma once
// Encodes the per-host delta frames of one journal batch. A change that reaches 1,000 hosts
// carries the same shared objects to each: each object is serialized once per batch and its
// text reused in every host's frame, instead of copying it into a JSON document per host and
// serializing that (which made a network-wide batch cost hosts x objects of JSON trees).
#include <cstdint>
#include <string>
#include <unordered_map>

#include "controller/fanout/host_deltas.hpp"

namespace neutrino::fanout {

class DeltaEncoder {
 public:
  // The whole frame (length prefix included) of a "delta" message at `revision`, the same
  // message HostDeltas::to_delta(changes) with type, revision and schema would encode to.
  std::string frame(const HostDeltas::Changes& changes, int64_t revision, int schema);

 private:
  const std::string& text_of(const SharedObject& object);

  // Keyed by the shared object; each entry also holds the object so its address stays unique.
  std::unordered_map<const Json*, std::pair<SharedObject, std::string>> texts_;
};

}  // namespace neutrino::fanout
