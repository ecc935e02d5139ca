#pragma once
// Runs a Neutron handler and renders its refusal in Neutron's shape. A missing or bad token is
// answered the way keystonemiddleware in front of Neutron answers it.
#include <functional>
#include <string>

#include "controller/api/api_error.hpp"
#include "controller/http/http_response.hpp"

namespace neutrino::neutron {

inline http::Response guarded(const std::function<http::Response()>& handler,
                              const std::string& base) {
  try {
    return handler();
  } catch (const api::ApiError& error) {
    if (error.status() == 401) {
      return api::keystone_error_response(error).with_header("WWW-Authenticate",
                                                             "Keystone uri=\"" + base + "/v3\"");
    }
    return api::neutron_error_response(error);
  }
}

}  // namespace neutrino::neutron
