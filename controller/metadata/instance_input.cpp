#include "controller/metadata/instance_input.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "common/random.hpp"
#include "common/text_prefix.hpp"
#include "controller/api/api_error.hpp"
#include "controller/identity/base64.hpp"
#include "controller/neutron/resource_schema.hpp"

namespace neutrino::metadata {
namespace {

using neutron::AttrType;

// Nova's limit on user data, counted on the base64 text.
constexpr size_t kMaxUserData = 65535;
constexpr size_t kMaxHostLabel = 63;
constexpr size_t kMaxHostname = 253;

const neutron::ResourceSchema& instance_schema() {
  static const neutron::ResourceSchema schema(
      "instance", "instances",
      {
          {"id", AttrType::kUuid, true, false},
          {"name", AttrType::kString, true, false, true},
          {"hostname", AttrType::kString, true, false, false, kMaxHostname},
          {"project_id", AttrType::kString, true, false},
          {"tenant_id", AttrType::kString, true, false},
          {"key_name", AttrType::kNullableString, true, false},
          {"public_key", AttrType::kNullableString, true, false, false, 16384},
          {"key_type", AttrType::kString, true, false},
          // Checked below with Nova's message rather than one that echoes 64 KiB back.
          {"user_data", AttrType::kNullableString, true, false, false, SIZE_MAX},
          {"availability_zone", AttrType::kString, true, false},
          {"launch_index", AttrType::kInt, true, false},
          {"flavor_name", AttrType::kString, true, false},
          {"metadata", AttrType::kDict, true, false},
          {"security_groups", AttrType::kList, true, false},
      });
  return schema;
}

api::ApiError invalid(const std::string& attribute, const std::string& reason) {
  return api::bad_request("Invalid input for " + attribute + ". Reason: " + reason + ".");
}

std::optional<std::string> optional_text(const Json& attributes, const char* name) {
  const auto it = attributes.find(name);
  if (it == attributes.end() || it->is_null()) {
    return std::nullopt;
  }
  return it->get<std::string>();
}

bool blank(const std::string& text) {
  return std::all_of(text.begin(), text.end(),
                     [](unsigned char c) { return std::isspace(c) != 0; });
}

std::string project_of(const Json& attributes, const identity::AuthContext& caller) {
  const auto project_id = optional_text(attributes, "project_id");
  const auto tenant_id = optional_text(attributes, "tenant_id");
  if (project_id && tenant_id && *project_id != *tenant_id) {
    throw api::bad_request("'project_id' and 'tenant_id' do not match");
  }
  const std::string project = project_id ? *project_id : tenant_id.value_or(caller.project_id);
  if (project.empty()) {
    throw invalid("project_id", "the project must not be empty");
  }
  return project;
}

std::map<std::string, std::string> checked_metadata(const Json& metadata) {
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : metadata.items()) {
    if (key.empty() || key.size() > 255 || !value.is_string() ||
        value.get<std::string>().size() > 255) {
      throw invalid("metadata",
                    "keys must be 1 to 255 characters and values strings of up to 255 "
                    "characters");
    }
    out[key] = value.get<std::string>();
  }
  return out;
}

// Nova's [{"name": "default"}], or bare names.
std::vector<std::string> checked_security_groups(const Json& groups) {
  std::vector<std::string> names;
  for (const auto& group : groups) {
    const Json* name = group.is_object() && group.contains("name") ? &group["name"] : &group;
    if (!name->is_string() || name->get<std::string>().empty()) {
      throw invalid("security_groups", "each entry must be {\"name\": \"<group name>\"}");
    }
    if (std::find(names.begin(), names.end(), name->get<std::string>()) == names.end()) {
      names.push_back(name->get<std::string>());
    }
  }
  return names;
}

void check_key_pair(InstanceRecord& record) {
  if (record.key_name.has_value() != record.public_key.has_value()) {
    throw invalid(record.key_name ? "public_key" : "key_name",
                  "a key pair needs both key_name and public_key");
  }
  if (record.key_name && (record.key_name->empty() || record.public_key->empty())) {
    throw invalid("key_name", "the key name and public key must not be empty");
  }
  if (record.key_type != "ssh" && record.key_type != "x509") {
    throw invalid("key_type", "'" + text_prefix(record.key_type) + "' is not one of ssh, x509");
  }
}

}  // namespace

std::string sanitize_hostname(const std::string& name) {
  std::string out;
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (c == ' ' || c == '_' || c == '.') {
      out.push_back('-');
    } else if (std::isalnum(u) != 0 || c == '-') {
      out.push_back(static_cast<char>(std::tolower(u)));
    }
  }
  const auto trim = [](std::string& s) {
    const size_t first = s.find_first_not_of('-');
    s = first == std::string::npos ? "" : s.substr(first, s.find_last_not_of('-') - first + 1);
  };
  trim(out);
  out.resize(std::min(out.size(), kMaxHostLabel));
  trim(out);
  return out;
}

bool valid_hostname(const std::string& hostname) {
  if (hostname.empty() || hostname.size() > kMaxHostname) {
    return false;
  }
  size_t start = 0;
  while (start <= hostname.size()) {
    const size_t end = std::min(hostname.find('.', start), hostname.size());
    const std::string label = hostname.substr(start, end - start);
    if (label.empty() || label.size() > kMaxHostLabel || label.front() == '-' ||
        label.back() == '-') {
      return false;
    }
    for (const char c : label) {
      if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-') {
        return false;
      }
    }
    start = end + 1;
  }
  return true;
}

InstanceRecord parse_new_instance(const Json& body, const identity::AuthContext& caller) {
  if (!body.is_object() || !body.contains("instance")) {
    throw api::bad_request("Unable to find 'instance' in request body");
  }
  const Json a = instance_schema().validate(body["instance"], neutron::Operation::kCreate);
  InstanceRecord record;
  record.id = a.value("id", random::uuid4());
  // Ports name the instance in device_id by exact match; Nova's UUIDs are lower case.
  std::transform(record.id.begin(), record.id.end(), record.id.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  record.name = a["name"].get<std::string>();
  if (blank(record.name)) {
    throw invalid("name", "'" + text_prefix(record.name) + "' is not a valid name");
  }
  record.project_id = project_of(a, caller);
  if (a.contains("hostname")) {
    record.hostname = a["hostname"].get<std::string>();
    if (!valid_hostname(record.hostname)) {
      throw invalid("hostname", "'" + text_prefix(record.hostname) + "' is not a valid hostname");
    }
  } else {
    record.hostname = sanitize_hostname(record.name);
    if (record.hostname.empty()) {
      record.hostname = "server-" + record.id;  // Nova's fallback for unusable names
    }
  }
  record.key_name = optional_text(a, "key_name");
  record.public_key = optional_text(a, "public_key");
  record.key_type = a.value("key_type", "ssh");
  check_key_pair(record);
  if (const auto user_data = optional_text(a, "user_data")) {
    record.user_data = checked_user_data(*user_data);
  }
  record.availability_zone = a.value("availability_zone", "nova");
  if (record.availability_zone.empty()) {
    throw invalid("availability_zone", "the availability zone must not be empty");
  }
  record.launch_index = a.value("launch_index", int64_t{0});
  if (record.launch_index < 0) {
    throw invalid("launch_index", std::to_string(record.launch_index) + " is negative");
  }
  record.flavor_name = a.value("flavor_name", "");
  record.metadata = checked_metadata(a.value("metadata", Json::object()));
  record.security_groups = a.contains("security_groups")
                               ? checked_security_groups(a["security_groups"])
                               : std::vector<std::string>{"default"};
  return record;
}

std::string checked_user_data(const std::string& text) {
  if (text.size() > kMaxUserData) {
    throw api::bad_request(
        "User data too large. User data must be no larger than " + std::to_string(kMaxUserData) +
        " bytes once base64 encoded. Your data is " + std::to_string(text.size()) + " bytes");
  }
  std::string compact;
  for (const char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c))) {
      compact.push_back(c);
    }
  }
  if (!identity::base64_decode(compact)) {
    throw api::bad_request("User data needs to be valid base 64.");
  }
  return compact;
}

}  // namespace neutrino::metadata
