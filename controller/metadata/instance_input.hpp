#pragma once
// Validation of POST /v2.1/neutrino/instances bodies, with Neutron's 400 messages for unknown
// or mistyped attributes and Nova's for user data and host names.
#include <string>

#include "common/json.hpp"
#include "controller/identity/auth_context.hpp"
#include "controller/metadata/instance_record.hpp"

namespace neutrino::metadata {

// The record a create request describes, with defaults filled in (project: the caller's;
// hostname: derived from the name; security groups: "default"). The store assigns the EC2 id,
// reservation id and timestamps. Throws api::ApiError (400).
InstanceRecord parse_new_instance(const Json& body, const identity::AuthContext& caller);

// Nova's sanitize_hostname: a display name turned into a host name ("My VM_1" -> "my-vm-1");
// empty when nothing usable is left.
std::string sanitize_hostname(const std::string& name);
// RFC 1123: dot-separated labels of letters, digits and inner hyphens, up to 63 characters
// each and 253 in all.
bool valid_hostname(const std::string& hostname);
// User data as Nova accepts it: base64 of at most 65,535 bytes, line breaks (as `base64` wraps
// its output) allowed and dropped; returns the one-line text. Throws api::ApiError (400).
std::string checked_user_data(const std::string& text);

}  // namespace neutrino::metadata
