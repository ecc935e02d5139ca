#include "controller/identity/identity_errors.hpp"

namespace neutrino::identity {

api::ApiError not_found_error(const std::string& kind, const std::string& id) {
  return api::ApiError(404, "NotFound", "Could not find " + kind + ": " + id + ".");
}

api::ApiError conflict_error(const std::string& kind, const std::string& detail) {
  return api::ApiError(409, "Conflict",
                       "Conflict occurred attempting to store " + kind + " - " + detail + ".");
}

api::ApiError validation_error(const std::string& message) {
  return api::ApiError(400, "ValidationError", "Invalid input for field/attribute. " + message);
}

api::ApiError account_locked(const std::string& user_id) {
  return api::ApiError(401, "Unauthorized", "The account is locked for user: " + user_id + ".");
}

api::ApiError policy_error(const std::string& rule) {
  return api::ApiError(403, "ForbiddenAction",
                       "You are not authorized to perform the requested action: " + rule + ".");
}

}  // namespace neutrino::identity
