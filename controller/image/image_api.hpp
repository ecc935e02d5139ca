#pragma once
// The Glance v2 subset the OpenStack clients use, under <base>/image as devstack serves it:
// version discovery, images (create, list, show, JSON-patch update, delete, tags), and their
// data: uploads streamed to the data directory and downloads streamed from it. Requests are
// authenticated with X-Auth-Token; image downloads also accept an agent's HMAC signature
// (compute contract section 3). Refusals use Glance's (webob's) error pages.
#include <functional>
#include <string>

#include "controller/http/router.hpp"
#include "controller/identity/token_validator.hpp"
#include "controller/image/image_service.hpp"

namespace neutrino::image {

class ImageApi {
 public:
  using BaseUrl = std::function<std::string(const http::Request&)>;

  // `agent_secret`: the push channel's shared secret agents sign downloads with; empty turns
  // agent downloads off.
  ImageApi(ImageService& images, identity::TokenValidator& tokens, std::string agent_secret,
           BaseUrl base_url);

  void register_routes(http::Router& router);

 private:
  using Handler = http::Response (ImageApi::*)(const http::Request&, const http::PathParams&,
                                               const identity::AuthContext&);
  void add(http::Router& router, const std::string& method, const std::string& pattern,
           Handler handler);
  // Runs `body` and renders an ApiError it throws as Glance does; a missing or bad token is
  // keystonemiddleware's 401.
  http::Response guarded(const http::Request& request,
                         const std::function<http::Response()>& body) const;
  identity::AuthContext authenticate(const http::Request& request) const;
  http::Response versions(const http::Request& request) const;

  http::Response show_image_schema(const http::Request& r, const http::PathParams& p,
                                   const identity::AuthContext& ctx);
  http::Response show_images_schema(const http::Request& r, const http::PathParams& p,
                                    const identity::AuthContext& ctx);
  http::Response list(const http::Request& r, const http::PathParams& p,
                      const identity::AuthContext& ctx);
  http::Response create(const http::Request& r, const http::PathParams& p,
                        const identity::AuthContext& ctx);
  http::Response show(const http::Request& r, const http::PathParams& p,
                      const identity::AuthContext& ctx);
  http::Response update(const http::Request& r, const http::PathParams& p,
                        const identity::AuthContext& ctx);
  http::Response remove(const http::Request& r, const http::PathParams& p,
                        const identity::AuthContext& ctx);
  http::Response add_tag(const http::Request& r, const http::PathParams& p,
                         const identity::AuthContext& ctx);
  http::Response remove_tag(const http::Request& r, const http::PathParams& p,
                            const identity::AuthContext& ctx);
  http::Response download(const http::Request& request, const http::PathParams& params);
  http::StreamStart upload(const http::Request& head, const http::PathParams& params);

  ImageService& images_;
  identity::TokenValidator& tokens_;
  std::string agent_secret_;
  BaseUrl base_url_;
};

}  // namespace neutrino::image
