#include "agent/ovs/ovsdb_datum.hpp"

#include <stdexcept>

namespace neutrino::agent::ovs::datum {
namespace {

bool is_tagged(const Json& value, std::string_view tag) {
  return value.is_array() && value.size() == 2 && value[0].is_string() &&
         value[0].get_ref<const std::string&>() == tag;
}

[[noreturn]] void bad(std::string_view expected, const Json& value) {
  throw std::invalid_argument("OVSDB datum: expected " + std::string(expected) + ", got " +
                              value.dump());
}

}  // namespace

Json uuid(std::string_view id) {
  return Json::array({"uuid", id});
}

Json named_uuid(std::string_view name) {
  return Json::array({"named-uuid", name});
}

Json set(std::vector<Json> atoms) {
  return Json::array({"set", Json::array_t(std::make_move_iterator(atoms.begin()),
                                           std::make_move_iterator(atoms.end()))});
}

Json string_set(const std::vector<std::string>& values) {
  return set(std::vector<Json>(values.begin(), values.end()));
}

Json string_map(const StringMap& values) {
  Json pairs = Json::array();
  for (const auto& [key, value] : values) {
    pairs.push_back(Json::array({key, value}));
  }
  return Json::array({"map", std::move(pairs)});
}

Json optional(const std::optional<Json>& value) {
  return value ? set({*value}) : set({});
}

bool is_uuid(const Json& value) {
  return is_tagged(value, "uuid") && value[1].is_string();
}

std::string as_uuid(const Json& value) {
  if (!is_uuid(value)) {
    bad("[\"uuid\", ..]", value);
  }
  return value[1].get<std::string>();
}

std::vector<Json> as_set(const Json& value) {
  if (is_tagged(value, "set")) {
    if (!value[1].is_array()) {
      bad("[\"set\", [..]]", value);
    }
    return std::vector<Json>(value[1].begin(), value[1].end());
  }
  if (is_tagged(value, "map")) {
    bad("a set or an atom", value);
  }
  return {value};
}

std::vector<std::string> as_string_set(const Json& value) {
  std::vector<std::string> out;
  for (const Json& atom : as_set(value)) {
    if (!atom.is_string()) {
      bad("a set of strings", value);
    }
    out.push_back(atom.get<std::string>());
  }
  return out;
}

std::vector<std::string> as_uuid_set(const Json& value) {
  std::vector<std::string> out;
  for (const Json& atom : as_set(value)) {
    out.push_back(as_uuid(atom));
  }
  return out;
}

StringMap as_string_map(const Json& value) {
  if (!is_tagged(value, "map") || !value[1].is_array()) {
    bad("[\"map\", [..]]", value);
  }
  StringMap out;
  for (const Json& pair : value[1]) {
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string()) {
      bad("a map of strings to strings", value);
    }
    out[pair[0].get<std::string>()] = pair[1].get<std::string>();
  }
  return out;
}

std::optional<int64_t> as_optional_integer(const Json& value) {
  const auto atoms = as_set(value);
  if (atoms.empty()) {
    return std::nullopt;
  }
  if (atoms.size() != 1 || !atoms[0].is_number_integer()) {
    bad("an optional integer", value);
  }
  return atoms[0].get<int64_t>();
}

std::string as_optional_string(const Json& value) {
  const auto atoms = as_set(value);
  if (atoms.empty()) {
    return "";
  }
  if (atoms.size() != 1 || !atoms[0].is_string()) {
    bad("an optional string", value);
  }
  return atoms[0].get<std::string>();
}

}  // namespace neutrino::agent::ovs::datum
