#pragma once
// Keystone's error messages, so clients and operators read what they would from Keystone.
#include <string>

#include "controller/api/api_error.hpp"

namespace neutrino::identity {

// 404 "Could not find project: <id>."
api::ApiError not_found_error(const std::string& kind, const std::string& id);
// 409 "Conflict occurred attempting to store <kind> - <detail>."
api::ApiError conflict_error(const std::string& kind, const std::string& detail);
// 400 for a request body Keystone's schema validation would refuse.
api::ApiError validation_error(const std::string& message);
// 401 "The account is locked for user: <id>." (Keystone's AccountLocked).
api::ApiError account_locked(const std::string& user_id);
// 403 naming the policy rule the caller does not satisfy.
api::ApiError policy_error(const std::string& rule);

}  // namespace neutrino::identity
