#include "controller/neutron/resource_schema.hpp"

#include <algorithm>
#include <cctype>

#include "common/text_prefix.hpp"
#include "controller/api/api_error.hpp"

namespace neutrino::neutron {
namespace {

api::ApiError invalid(const std::string& attribute, const std::string& reason) {
  return api::bad_request("Invalid input for " + attribute + ". Reason: " + reason + ".");
}

std::string shown(const Json& value) {
  return "'" + json_prefix(value) + "'";
}

}  // namespace

bool is_uuid(const std::string& text) {
  if (text.size() != 36) {
    return false;
  }
  for (size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i]))) {
      return false;
    }
  }
  return true;
}

bool to_bool(const Json& value, const std::string& attribute) {
  if (value.is_boolean()) {
    return value.get<bool>();
  }
  if (value.is_number_integer()) {
    const auto n = value.get<int64_t>();
    if (n == 0 || n == 1) {
      return n == 1;
    }
  }
  if (value.is_string()) {
    const auto s = value.get<std::string>();
    if (s == "true" || s == "True" || s == "TRUE" || s == "1") {
      return true;
    }
    if (s == "false" || s == "False" || s == "FALSE" || s == "0") {
      return false;
    }
  }
  (void)attribute;  // neutron-lib's converter message does not name the attribute
  throw api::bad_request(
      "Invalid input for operation: " + shown(value) + " cannot be converted to boolean.",
      "InvalidInput");
}

int64_t to_int(const Json& value, const std::string& attribute) {
  if (value.is_number_integer()) {
    return value.get<int64_t>();
  }
  if (value.is_string()) {
    const auto s = value.get<std::string>();
    size_t used = 0;
    try {
      const long long n = std::stoll(s, &used);
      if (used == s.size()) {
        return n;
      }
    } catch (const std::exception&) {
    }
  }
  (void)attribute;
  throw api::bad_request("Invalid input for operation: " + shown(value) + " is not an integer.",
                         "InvalidInput");
}

ResourceSchema::ResourceSchema(std::string singular, std::string plural,
                               std::vector<AttributeSpec> attributes)
    : singular_(std::move(singular)),
      plural_(std::move(plural)),
      attributes_(std::move(attributes)) {
  path_ = plural_;
  std::replace(path_.begin(), path_.end(), '_', '-');
  for (const auto& a : attributes_) {
    names_.insert(a.name);
  }
}

const AttributeSpec* ResourceSchema::find(const std::string& name) const {
  for (const auto& a : attributes_) {
    if (a.name == name) {
      return &a;
    }
  }
  return nullptr;
}

Json ResourceSchema::validate(const Json& attributes, Operation operation) const {
  if (!attributes.is_object()) {
    throw api::bad_request("Unable to find '" + singular_ + "' in request body");
  }
  std::string unknown;
  for (const auto& [name, value] : attributes.items()) {
    if (find(name) == nullptr) {
      if (unknown.size() > 4 * kQuotedInputBytes) {
        unknown += ", ...";  // a body of many unknown keys does not make a long message
        break;
      }
      unknown += (unknown.empty() ? "'" : ", '") + text_prefix(name) + "'";
    }
  }
  if (!unknown.empty()) {
    throw api::bad_request("Unrecognized attribute(s) " + unknown);
  }
  Json result = Json::object();
  for (const auto& spec : attributes_) {
    const auto it = attributes.find(spec.name);
    if (it == attributes.end()) {
      if (operation == Operation::kCreate && spec.required) {
        throw api::bad_request("Failed to parse request. Required attribute '" + spec.name +
                               "' not specified");
      }
      continue;
    }
    if (operation == Operation::kCreate && !spec.allow_post) {
      throw api::bad_request("Attribute '" + spec.name + "' not allowed in POST");
    }
    if (operation == Operation::kUpdate && !spec.allow_put) {
      throw api::bad_request("Cannot update read-only attribute " + spec.name);
    }
    const Json& value = *it;
    switch (spec.type) {
      case AttrType::kNullableString:
        if (value.is_null()) {
          result[spec.name] = nullptr;
          break;
        }
        [[fallthrough]];
      case AttrType::kString:
        if (!value.is_string()) {
          throw invalid(spec.name, shown(value) + " is not a valid string");
        }
        if (value.get<std::string>().size() > spec.max_length) {
          throw invalid(spec.name, shown(value) + " exceeds maximum length of " +
                                       std::to_string(spec.max_length));
        }
        result[spec.name] = value;
        break;
      case AttrType::kUuid:
        if (!value.is_string() || !is_uuid(value.get<std::string>())) {
          throw invalid(spec.name, shown(value) + " is not a valid UUID");
        }
        result[spec.name] = value;
        break;
      case AttrType::kBool:
        result[spec.name] = to_bool(value, spec.name);
        break;
      case AttrType::kNullableInt:
        if (value.is_null()) {
          result[spec.name] = nullptr;
          break;
        }
        [[fallthrough]];
      case AttrType::kInt:
        result[spec.name] = to_int(value, spec.name);
        break;
      case AttrType::kList:
        if (!value.is_array()) {
          throw invalid(spec.name, shown(value) + " is not a list");
        }
        result[spec.name] = value;
        break;
      case AttrType::kAny:
        result[spec.name] = value;
        break;
      case AttrType::kDict:
        if (!value.is_object()) {
          throw invalid(spec.name, shown(value) + " is not a dictionary");
        }
        result[spec.name] = value;
        break;
    }
  }
  return result;
}

}  // namespace neutrino::neutron
