#pragma once
// An error a handler raises to refuse a request. It carries Neutron's error type name
// ("NetworkNotFound", "IpAddressGenerationFailure", ...) and the HTTP status; the API front
// ends render it in their own body format.
#include <stdexcept>
#include <string>

#include "controller/http/http_response.hpp"

namespace neutrino::api {

class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string type, const std::string& message, std::string detail = "")
      : std::runtime_error(message),
        status_(status),
        type_(std::move(type)),
        detail_(std::move(detail)) {}

  int status() const { return status_; }
  const std::string& type() const { return type_; }
  const std::string& detail() const { return detail_; }

 private:
  int status_;
  std::string type_;
  std::string detail_;
};

// Neutron's shape: {"NeutronError": {"type", "message", "detail"}}.
http::Response neutron_error_response(const ApiError& error);
// Keystone's shape: {"error": {"code", "title", "message"}}.
http::Response keystone_error_response(const ApiError& error);
// Nova's fault shape: {"itemNotFound": {"code": 404, "message": ...}}, the key named after
// the status ("badRequest", "conflictingRequest", ..., "computeFault" for the rest).
http::Response nova_error_response(const ApiError& error);
// Glance's, which is webob's error page: JSON {"message", "code": "404 Not Found", "title"}
// when the client accepts JSON, else the plain-text page. The message is the error's text.
http::Response glance_error_response(const ApiError& error, const std::string& accept);
// The reason phrase for a status code ("Not Found").
const char* status_title(int status);

// Shorthands for the common cases.
ApiError bad_request(const std::string& message, const std::string& type = "HTTPBadRequest");
ApiError not_found(const std::string& message, const std::string& type = "HTTPNotFound");
ApiError conflict(const std::string& type, const std::string& message);
ApiError forbidden(const std::string& message, const std::string& type = "PolicyNotAuthorized");
ApiError unauthorized(
    const std::string& message = "The request you have made requires authentication.");

}  // namespace neutrino::api
