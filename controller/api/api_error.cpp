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
    case 406:
      return "Not Acceptable";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Request Entity Too Large";
    case 415:
      return "Unsupported Media Type";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
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

namespace {

const char* nova_fault_name(int status) {
  switch (status) {
    case 400:
      return "badRequest";
    case 401:
      return "unauthorized";
    case 403:
      return "forbidden";
    case 404:
      return "itemNotFound";
    case 405:
      return "badMethod";
    case 409:
      return "conflictingRequest";
    case 413:
    case 429:
      return "overLimit";
    case 415:
      return "badMediaType";
    case 501:
      return "notImplemented";
    case 503:
      return "serviceUnavailable";
    default:
      return "computeFault";
  }
}

}  // namespace

http::Response nova_error_response(const ApiError& error) {
  return http::Response::json(
      error.status(),
      {{nova_fault_name(error.status()), {{"code", error.status()}, {"message", error.what()}}}});
}

http::Response glance_error_response(const ApiError& error, const std::string& accept) {
  const std::string status = std::to_string(error.status()) + " " + status_title(error.status());
  // webob's body template, with the explanation replaced by the message as Glance does.
  if (accept.find("application/json") != std::string::npos) {
    return http::Response::json(error.status(),
                                {{"message", std::string(error.what()) + "<br /><br />\n\n\n"},
                                 {"code", status},
                                 {"title", status_title(error.status())}});
  }
  http::Response response;
  response.status = error.status();
  response.content_type = "text/plain; charset=UTF-8";
  response.body = status + "\n\n" + error.what() + "\n\n   ";
  return response;
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
