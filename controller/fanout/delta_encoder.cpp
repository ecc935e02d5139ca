#include "controller/fanout/delta_encoder.hpp"

#include "common/channel/frame_codec.hpp"

namespace neutrino::fanout {

std::string DeltaEncoder::frame(const HostDeltas::Changes& changes, int64_t revision, int schema) {
  std::string set;
  std::string remove;
  for (const auto& [key, object] : changes) {
    std::string& into = object ? set : remove;
    if (!into.empty()) {
      into += ',';
    }
    into += Json(key).dump();  // escaped as JSON requires
    if (object) {
      into += ':';
      into += text_of(object);
    }
  }
  const std::string body = R"({"type":"delta","revision":)" + std::to_string(revision) +
                           R"(,"schema":)" + std::to_string(schema) + R"(,"set":{)" + set +
                           R"(},"remove":[)" + remove + "]}";
  return channel::encode_frame_text(body);
}

const std::string& DeltaEncoder::text_of(const SharedObject& object) {
  auto [it, added] = texts_.try_emplace(object.get());
  if (added) {
    it->second = {object, object->dump()};
  }
  return it->second.second;
}

}  // namespace neutrino::fanout
