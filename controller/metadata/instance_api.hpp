#pragma once
// The admin API through which the compute driver registers instances (and tests create them
// until it exists). Modelled on a subset of Nova's servers API under a path of our own, so it
// can never be mistaken for Nova's: /v2.1/neutrino/instances. Creating and deleting need the
// admin role; a member may list and show its own project's instances. Refusals use Neutron's
// error body, as everything on the network listener does. See docs/metadata.md.
#include <functional>
#include <string>

#include "controller/http/router.hpp"
#include "controller/identity/auth_context.hpp"
#include "controller/identity/token_validator.hpp"
#include "controller/store/database.hpp"

namespace neutrino::metadata {

class InstanceApi {
 public:
  // The URL clients reach the server at, for the WWW-Authenticate header of a 401.
  using BaseUrl = std::function<std::string(const http::Request&)>;

  InstanceApi(store::Database& db, identity::TokenValidator& tokens, BaseUrl base_url);

  void register_routes(http::Router& router);

 private:
  identity::AuthContext authenticate(const http::Request& request) const;
  // Renders a 401 as keystonemiddleware would; other refusals go up to the app's renderer.
  http::Response guarded(const http::Request& request,
                         const std::function<http::Response()>& handler) const;

  http::Response create(const http::Request& request);
  http::Response list(const http::Request& request);
  http::Response show(const http::Request& request, const std::string& id);
  http::Response remove(const http::Request& request, const std::string& id);

  store::Database& db_;
  identity::TokenValidator& tokens_;
  BaseUrl base_url_;
};

}  // namespace neutrino::metadata
