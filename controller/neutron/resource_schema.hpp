#pragma once
// Declarative description of a resource's attributes, as Neutron's RESOURCE_ATTRIBUTE_MAP:
// which may be sent on create or update, which are required, and their types. Validating a
// request body against it gives Neutron's 400 messages for unknown attributes, read-only
// attributes, missing ones and wrong types, before any service logic runs.
#include <set>
#include <string>
#include <vector>

#include "common/json.hpp"

namespace neutrino::neutron {

enum class AttrType {
  kString,          // JSON string up to max_length
  kNullableString,  // string or null
  kBool,            // true/false, also "true"/"False"/"1"/"0" as Neutron converts them
  kInt,             // integer, also a numeric string
  kNullableInt,
  kList,  // JSON array (elements checked by the service)
  kDict,  // JSON object
  kUuid,  // a UUID in its 8-4-4-4-12 hex form
  kAny,   // any JSON value, converted and checked by the service (Neutron's convert_to)
};

struct AttributeSpec {
  std::string name;
  AttrType type;
  bool allow_post;
  bool allow_put;
  bool required = false;
  size_t max_length = 255;
};

enum class Operation { kCreate, kUpdate };

class ResourceSchema {
 public:
  ResourceSchema(std::string singular, std::string plural, std::vector<AttributeSpec> attributes);

  const std::string& singular() const { return singular_; }
  const std::string& plural() const { return plural_; }
  // The collection's URL segment: the plural with dashes ("security-groups").
  const std::string& path() const { return path_; }
  // Every attribute the resource shows, for filters and sort keys.
  const std::set<std::string>& attribute_names() const { return names_; }

  // Returns the body's attributes converted to their types; throws api::ApiError (400).
  Json validate(const Json& attributes, Operation operation) const;

 private:
  const AttributeSpec* find(const std::string& name) const;

  std::string singular_;
  std::string plural_;
  std::string path_;
  std::vector<AttributeSpec> attributes_;
  std::set<std::string> names_;
};

// Neutron's converters, shared with filters and services. Throw api::ApiError (400) naming
// the attribute.
bool to_bool(const Json& value, const std::string& attribute);
int64_t to_int(const Json& value, const std::string& attribute);
bool is_uuid(const std::string& text);

}  // namespace neutrino::neutron
