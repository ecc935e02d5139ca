#include "controller/compute/server_create_request.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "controller/api/api_error.hpp"
#include "controller/compute/nova_validation.hpp"
#include "controller/metadata/instance_input.hpp"
#include "controller/neutron/resource_schema.hpp"

namespace neutrino::compute {
namespace {

std::set<std::string> allowed_keys(const ApiVersion& v) {
  std::set<std::string> keys = {"name",
                                "imageRef",
                                "flavorRef",
                                "adminPass",
                                "metadata",
                                "networks",
                                "OS-DCF:diskConfig",
                                "accessIPv4",
                                "accessIPv6",
                                "availability_zone",
                                "block_device_mapping",
                                "block_device_mapping_v2",
                                "config_drive",
                                "key_name",
                                "min_count",
                                "max_count",
                                "return_reservation_id",
                                "security_groups",
                                "user_data"};
  if (v < ApiVersion{2, 57}) {
    keys.insert("personality");
  }
  if (v >= ApiVersion{2, 19}) {
    keys.insert("description");
  }
  if (v >= ApiVersion{2, 52}) {
    keys.insert("tags");
  }
  if (v >= ApiVersion{2, 74}) {
    keys.insert("host");
    keys.insert("hypervisor_hostname");
  }
  return keys;
}

// "http://host/compute/v2.1/flavors/1" -> "1", as Nova accepts references as links.
std::string last_segment(const std::string& ref) {
  const size_t slash = ref.rfind('/');
  return slash == std::string::npos ? ref : ref.substr(slash + 1);
}

std::string reference(const Json& server, const std::string& key, bool required) {
  const auto it = server.find(key);
  if (it == server.end()) {
    if (required) {
      throw nova_invalid("server", server, "'" + key + "' is a required property");
    }
    return "";
  }
  if (it->is_number_integer()) {
    return std::to_string(it->get<int64_t>());
  }
  if (!it->is_string() || (required && it->get<std::string>().empty())) {
    throw nova_invalid(key, *it, it->dump() + " is not of type 'string', 'integer'");
  }
  return last_segment(it->get<std::string>());
}

std::string checked_user_data(const Json& value) {
  if (!value.is_string()) {
    throw nova_invalid("user_data", value, value.dump() + " is not of type 'string'");
  }
  return metadata::checked_user_data(value.get<std::string>());
}

std::vector<RequestedNetwork> parse_network_list(const Json& networks) {
  std::vector<RequestedNetwork> out;
  for (const auto& entry : networks) {
    if (!entry.is_object()) {
      throw nova_invalid("networks", networks, entry.dump() + " is not of type 'object'");
    }
    check_known_keys(entry, "networks", {"uuid", "port", "fixed_ip", "tag"});
    RequestedNetwork request;
    request.port_id = optional_string_field(entry, "port", 0, 255);
    request.network_id = optional_string_field(entry, "uuid", 0, 255);
    request.fixed_ip = optional_string_field(entry, "fixed_ip", 0, 255);
    if (request.port_id && request.port_id->empty()) {
      request.port_id.reset();
    }
    if (request.port_id && !neutron::is_uuid(*request.port_id)) {
      throw nova_invalid("port", entry["port"], "'" + *request.port_id + "' is not a 'uuid'");
    }
    if (request.port_id) {
      request.network_id.reset();  // a port decides its network, as in Nova
    } else if (!request.network_id) {
      throw api::bad_request("Bad network format: missing 'uuid'");
    } else if (!neutron::is_uuid(*request.network_id)) {
      throw api::bad_request("Bad networks format: network uuid is not in proper format (" +
                             *request.network_id + ")");
    }
    out.push_back(request);
  }
  return out;
}

void parse_networks(const Json& server, const ApiVersion& version, ServerCreateRequest& out) {
  const auto it = server.find("networks");
  if (it == server.end()) {
    if (version >= ApiVersion{2, 37}) {
      throw nova_invalid("server", server, "'networks' is a required property");
    }
    return;
  }
  if (it->is_string() && version >= ApiVersion{2, 37}) {
    const std::string mode = it->get<std::string>();
    if (mode != "auto" && mode != "none") {
      throw nova_invalid("networks", *it, "'" + mode + "' is not one of ['none', 'auto']");
    }
    out.networks_mode = mode == "auto" ? ServerCreateRequest::Networks::kAuto
                                       : ServerCreateRequest::Networks::kNone;
    return;
  }
  if (!it->is_array()) {
    throw nova_invalid("networks", *it, it->dump() + " is not of type 'array'");
  }
  out.networks = parse_network_list(*it);
  out.networks_mode = out.networks.empty() ? ServerCreateRequest::Networks::kUnspecified
                                           : ServerCreateRequest::Networks::kList;
}

// "zone", "zone:host", "zone:host:node", ":host": the host parts need admin.
void parse_availability_zone(const Json& server, const identity::AuthContext& ctx,
                             ServerCreateRequest& out) {
  const auto zone = optional_string_field(server, "availability_zone", 1, 255);
  if (!zone) {
    return;
  }
  const size_t first = zone->find(':');
  if (first == std::string::npos) {
    out.availability_zone = *zone;
    return;
  }
  if (!ctx.is_admin()) {
    throw api::forbidden(
        "Policy doesn't allow os_compute_api:servers:create:forced_host to be performed.");
  }
  if (first > 0) {
    out.availability_zone = zone->substr(0, first);
  }
  const std::string rest = zone->substr(first + 1);
  const size_t second = rest.find(':');
  const std::string host = rest.substr(0, second);
  if (!host.empty()) {
    out.host = host;
  }
  if (second != std::string::npos && second + 1 < rest.size()) {
    out.node = rest.substr(second + 1);
  }
}

std::map<std::string, std::string> parse_metadata(const Json& server) {
  std::map<std::string, std::string> out;
  const auto it = server.find("metadata");
  if (it == server.end()) {
    return out;
  }
  if (!it->is_object()) {
    throw nova_invalid("metadata", *it, it->dump() + " is not of type 'object'");
  }
  for (const auto& [key, value] : it->items()) {
    if (key.empty() || key.size() > 255 || !value.is_string() ||
        value.get<std::string>().size() > 255) {
      throw nova_invalid("metadata", *it,
                         "Additional properties are not allowed ('" + key + "' was unexpected)");
    }
    out[key] = value.get<std::string>();
  }
  return out;
}

std::vector<std::string> parse_security_groups(const Json& server) {
  std::vector<std::string> out;
  const auto it = server.find("security_groups");
  if (it == server.end()) {
    return out;
  }
  if (!it->is_array()) {
    throw nova_invalid("security_groups", *it, it->dump() + " is not of type 'array'");
  }
  for (const auto& group : *it) {
    if (!group.is_object() || !group.contains("name") || !group["name"].is_string() ||
        group["name"].get<std::string>().empty()) {
      throw nova_invalid("security_groups", *it, group.dump() + " is not valid");
    }
    const std::string name = group["name"].get<std::string>();
    if (std::find(out.begin(), out.end(), name) == out.end()) {
      out.push_back(name);
    }
  }
  return out;
}

void check_block_devices(const Json& server) {
  for (const char* key : {"block_device_mapping", "block_device_mapping_v2"}) {
    const auto it = server.find(key);
    if (it == server.end() || (it->is_array() && it->empty())) {
      continue;
    }
    throw api::bad_request(
        "Block Device Mapping is Invalid: this cloud boots servers from "
        "images only; volumes are not supported.");
  }
  if (server.contains("personality") && server["personality"].is_array() &&
      !server["personality"].empty()) {
    throw api::bad_request("Personality files are not supported; use user data instead.");
  }
}

}  // namespace

ServerCreateRequest parse_server_create(const Json& body, const ApiVersion& version,
                                        const identity::AuthContext& ctx) {
  check_known_keys(body, "", {"server", "os:scheduler_hints", "OS-SCH-HNT:scheduler_hints"});
  const Json& server = required_object(body, "server");
  check_known_keys(server, "server", allowed_keys(version));
  ServerCreateRequest out;
  out.name = string_field(server, "server", "name", 1, 255);
  if (std::all_of(out.name.begin(), out.name.end(),
                  [](unsigned char c) { return std::isspace(c) != 0; })) {
    throw nova_invalid("name", out.name, "'" + out.name + "' does not match the name pattern");
  }
  out.image_ref = reference(server, "imageRef", false);
  out.flavor_ref = reference(server, "flavorRef", true);
  check_block_devices(server);
  if (out.image_ref.empty()) {
    throw api::bad_request("Missing imageRef attribute");
  }
  parse_networks(server, version, out);
  if (server.contains("key_name") && !server["key_name"].is_null()) {  // SDKs may send null
    out.key_name = optional_string_field(server, "key_name", 1, 255);
  }
  if (server.contains("user_data") && !server["user_data"].is_null()) {
    out.user_data = checked_user_data(server["user_data"]);
  }
  parse_availability_zone(server, ctx, out);
  if (const auto host = optional_string_field(server, "host", 1, 255)) {
    if (!ctx.is_admin()) {
      throw api::forbidden(
          "Policy doesn't allow compute:servers:create:requested_destination to be performed.");
    }
    out.host = host;
  }
  if (const auto node = optional_string_field(server, "hypervisor_hostname", 1, 255)) {
    if (!ctx.is_admin()) {
      throw api::forbidden(
          "Policy doesn't allow compute:servers:create:requested_destination to be performed.");
    }
    out.node = node;
  }
  out.security_groups = parse_security_groups(server);
  out.metadata = parse_metadata(server);
  out.min_count = optional_integer_field(server, "min_count", 1, 1000).value_or(1);
  out.max_count = optional_integer_field(server, "max_count", 1, 1000).value_or(out.min_count);
  if (out.min_count > out.max_count) {
    throw api::bad_request("min_count must be <= max_count");
  }
  if (server.contains("description") && !server["description"].is_null()) {
    out.description = optional_string_field(server, "description", 0, 255);
  }
  out.admin_pass = optional_string_field(server, "adminPass", 0, 255);
  if (const auto drive = server.find("config_drive"); drive != server.end()) {
    out.config_drive = drive->is_boolean()  ? (drive->get<bool>() ? "True" : "")
                       : drive->is_string() ? drive->get<std::string>()
                                            : "";
  }
  out.return_reservation_id =
      optional_boolean_field(server, "return_reservation_id").value_or(false);
  for (const char* hints_key : {"os:scheduler_hints", "OS-SCH-HNT:scheduler_hints"}) {
    const auto hints = body.find(hints_key);
    if (hints != body.end() && hints->is_object() && hints->contains("group")) {
      const Json& group = (*hints)["group"];
      if (!group.is_string() || !neutron::is_uuid(group.get<std::string>())) {
        throw nova_invalid(std::string(hints_key) + "/group", group,
                           group.dump() + " is not a 'uuid'");
      }
      out.group = group.get<std::string>();
    }
  }
  if (out.max_count > 1) {
    for (const auto& network : out.networks) {
      if (network.port_id) {
        throw api::bad_request(
            "Unable to launch multiple instances with a single configured port ID. Please "
            "launch your instance one by one with different ports.");
      }
      if (network.fixed_ip) {
        throw api::bad_request(
            "Failed to launch instances: max_count cannot be greater than 1 if an fixed_ip is "
            "specified.");
      }
    }
  }
  return out;
}

}  // namespace neutrino::compute
