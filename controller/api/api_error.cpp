#include "controller/api/api_error.hpp"

namespace neutrino::api {

const char* status_title(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Request Entity Too Large";
    case 415:
      return "Unsupported Media Type";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Error";
  }
}

http::Response neutron_error_response(const ApiError& error) {
  Json body = {{"NeutronError",
                {{"type", error.type()}, {"message", error.what()}, {"detail", error.detail()}}}};
  return http::Response::json(error.status(), body);
}

http::Response keystone_error_response(const ApiError& error) {
  Json body = {{"error",
                {{"code", error.status()},
                 {"title", status_title(error.status())},
                 {"message", error.what()}}}};
  return http::Response::json(error.status(), body);
}

ApiError bad_request(const std::string& message, const std::string& type) {
  return ApiError(400, type, message);
}
ApiError not_found(const std::string& message, const std::string& type) {
  return ApiError(404, type, message);
}
ApiError conflict(const std::string& type, const std::string& message) {
  return ApiError(409, type, message);
}
ApiError forbidden(const std::string& message, const std::string& type) {
  return ApiError(403, type, message);
}
ApiError unauthorized(const std::string& message) {
  return ApiError(401, "HTTPUnauthorized", message);
}

}  // namespace neutrino::api
