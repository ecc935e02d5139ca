#pragma once
// The body of POST /servers, checked as Nova's schema and API layer check it at a given
// microversion, before anything is looked up in the store.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "controller/compute/microversion.hpp"
#include "controller/identity/auth_context.hpp"

namespace neutrino::compute {

struct RequestedNetwork {
  std::optional<std::string> network_id;
  std::optional<std::string> port_id;
  std::optional<std::string> fixed_ip;
};

struct ServerCreateRequest {
  enum class Networks { kUnspecified, kAuto, kNone, kList };

  std::string name;
  std::string image_ref;
  std::string flavor_ref;
  Networks networks_mode = Networks::kUnspecified;
  std::vector<RequestedNetwork> networks;
  std::optional<std::string> key_name;
  std::optional<std::string> user_data;  // base64, without line breaks
  std::optional<std::string> availability_zone;
  std::optional<std::string> host;           // "zone:host" (admin) or 2.74 "host"
  std::optional<std::string> node;           // "zone:host:node" or 2.74 "hypervisor_hostname"
  std::vector<std::string> security_groups;  // names or ids; empty: "default"
  std::map<std::string, std::string> metadata;
  int64_t min_count = 1;
  int64_t max_count = 1;
  std::optional<std::string> description;
  std::optional<std::string> admin_pass;
  std::string config_drive;
  bool return_reservation_id = false;
  std::optional<std::string> group;  // scheduler hint "group": a server group's uuid
};

// Throws api::ApiError: 400 with Nova's messages, 403 for admin-only parameters.
ServerCreateRequest parse_server_create(const Json& body, const ApiVersion& version,
                                        const identity::AuthContext& ctx);

}  // namespace neutrino::compute
