#include "controller/channel/reboot_counts.hpp"

#include <stdexcept>

#include "common/model/instance.hpp"
#include "common/model/object_codec.hpp"

namespace neutrino::channel {
namespace {

bool names_instance(const std::string& key) {
  try {
    return model::parse_object_key(key).kind == model::ObjectKind::kInstance;
  } catch (const std::invalid_argument&) {
    return false;  // a key of no known kind holds no instance
  }
}

void add(const std::string& key, const Json& object, RebootCounts& out) {
  if (!names_instance(key)) {
    return;
  }
  try {
    const auto instance = object.get<model::Instance>();
    out.emplace_back(instance.id, instance.reboot_count);
  } catch (const Json::exception&) {
    // The agent drops an object that does not decode, so it carries out none of its reboots.
  }
}

}  // namespace

RebootCounts reboot_counts(const Json& objects) {
  RebootCounts out;
  for (const auto& [key, object] : objects.items()) {
    add(key, object, out);
  }
  return out;
}

RebootCounts reboot_counts(const fanout::HostDeltas::Changes& changes) {
  RebootCounts out;
  for (const auto& [key, object] : changes) {
    if (object) {
      add(key, *object, out);
    }
  }
  return out;
}

}  // namespace neutrino::channel
