#include "controller/image/image_api.hpp"

#include <filesystem>

#include "common/channel/hmac_signer.hpp"
#include "common/log.hpp"
#include "controller/api/api_error.hpp"
#include "controller/image/image_list_query.hpp"
#include "controller/image/image_schema.hpp"
#include "controller/image/image_view.hpp"

namespace neutrino::image {
namespace {

constexpr const char* kRoot = "/image/v2";

std::string accept_of(const http::Request& request) {
  return request.header("accept").value_or("");
}

Json parse_json(const http::Request& request) {
  Json body = Json::parse(request.body, nullptr, false);
  if (body.is_discarded()) {
    throw api::bad_request("Malformed JSON in request body.");
  }
  return body;
}

std::optional<uint64_t> declared_size(const http::Request& request) {
  const auto length = request.header("content-length");
  if (!length || length->empty() || length->size() > 19) {
    return std::nullopt;
  }
  for (const char c : *length) {
    if (!std::isdigit(static_cast<unsigned char>(c))) {
      return std::nullopt;
    }
  }
  return std::stoull(*length);
}

// Feeds an upload's body to the image service as it arrives.
class UploadSink final : public http::BodySink {
 public:
  UploadSink(ImageService& images, std::string id, std::unique_ptr<ImageUpload> upload,
             std::string accept)
      : images_(images),
        id_(std::move(id)),
        upload_(std::move(upload)),
        accept_(std::move(accept)) {}
  UploadSink(const UploadSink&) = delete;
  UploadSink& operator=(const UploadSink&) = delete;

  // A sink dropped mid-upload (the server stopping) still leaves the image queued.
  ~UploadSink() override {
    if (upload_) {
      upload_.reset();
      try {
        images_.abandon_upload(id_);
      } catch (const std::exception& error) {
        log::warning("image ", id_, ": cannot return it to queued: ", error.what());
      }
    }
  }

  std::optional<http::Response> write(std::string_view chunk) override {
    try {
      upload_->write(chunk);
      return std::nullopt;
    } catch (const api::ApiError& error) {
      return refuse(error);
    }
  }

  http::Response finish() override {
    try {
      images_.complete_upload(id_, *upload_);
      upload_.reset();
      return http::Response::empty(204);
    } catch (const api::ApiError& error) {
      if (error.status() == 410) {
        return api::glance_error_response(error, accept_);
      }
      return refuse(error);
    } catch (const std::exception& error) {
      log::error("image ", id_, ": upload failed: ", error.what());
      return refuse(api::ApiError(500, "HTTPInternalServerError",
                                  "Failed to upload image data due to internal error"));
    }
  }

  http::Response fail(const std::string& why) override {
    log::info("image ", id_, ": upload interrupted: ", why);
    return refuse(api::bad_request("Upload of image " + id_ + " did not complete: " + why));
  }

 private:
  http::Response refuse(const api::ApiError& error) {
    upload_.reset();  // removes the partial file
    images_.abandon_upload(id_);
    return api::glance_error_response(error, accept_);
  }

  ImageService& images_;
  std::string id_;
  std::unique_ptr<ImageUpload> upload_;
  std::string accept_;
};

}  // namespace

ImageApi::ImageApi(ImageService& images, identity::TokenValidator& tokens, std::string agent_secret,
                   BaseUrl base_url)
    : images_(images),
      tokens_(tokens),
      agent_secret_(std::move(agent_secret)),
      base_url_(std::move(base_url)) {}

void ImageApi::register_routes(http::Router& router) {
  for (const char* path : {"/image", "/image/v2"}) {
    router.add("GET", path,
               [this](const http::Request& r, const http::PathParams&) { return versions(r); });
  }
  const std::string images = std::string(kRoot) + "/images";
  add(router, "GET", std::string(kRoot) + "/schemas/image", &ImageApi::show_image_schema);
  add(router, "GET", std::string(kRoot) + "/schemas/images", &ImageApi::show_images_schema);
  add(router, "GET", images, &ImageApi::list);
  add(router, "POST", images, &ImageApi::create);
  add(router, "GET", images + "/{image_id}", &ImageApi::show);
  add(router, "PATCH", images + "/{image_id}", &ImageApi::update);
  add(router, "DELETE", images + "/{image_id}", &ImageApi::remove);
  add(router, "PUT", images + "/{image_id}/tags/{tag}", &ImageApi::add_tag);
  add(router, "DELETE", images + "/{image_id}/tags/{tag}", &ImageApi::remove_tag);
  router.add("GET", images + "/{image_id}/file",
             [this](const http::Request& r, const http::PathParams& p) { return download(r, p); });
  router.add_stream(
      "PUT", images + "/{image_id}/file",
      [this](const http::Request& r, const http::PathParams& p) { return upload(r, p); });
}

void ImageApi::add(http::Router& router, const std::string& method, const std::string& pattern,
                   Handler handler) {
  router.add(method, pattern,
             [this, handler](const http::Request& request, const http::PathParams& params) {
               return guarded(request, [&] {
                 const identity::AuthContext ctx = authenticate(request);
                 return (this->*handler)(request, params, ctx);
               });
             });
}

identity::AuthContext ImageApi::authenticate(const http::Request& request) const {
  const auto token = request.header("x-auth-token");
  std::optional<identity::AuthContext> ctx;
  if (token && !token->empty()) {
    ctx = tokens_.validate(*token);
  }
  if (!ctx || ctx->project_id.empty()) {
    throw api::unauthorized();
  }
  return *ctx;
}

http::Response ImageApi::guarded(const http::Request& request,
                                 const std::function<http::Response()>& body) const {
  try {
    return body();
  } catch (const api::ApiError& error) {
    if (error.status() == 401) {
      return api::keystone_error_response(error).with_header(
          "WWW-Authenticate", "Keystone uri=\"" + base_url_(request) + "/v3\"");
    }
    return api::glance_error_response(error, accept_of(request));
  } catch (const Json::exception& error) {
    return api::glance_error_response(api::bad_request(error.what()), accept_of(request));
  }
}

http::Response ImageApi::versions(const http::Request& request) const {
  const std::string href = base_url_(request) + "/image/v2/";
  Json list = Json::array();
  for (int minor = 6; minor >= 0; --minor) {
    list.push_back({{"id", "v2." + std::to_string(minor)},
                    {"status", minor == 6 ? "CURRENT" : "SUPPORTED"},
                    {"links", Json::array({{{"rel", "self"}, {"href", href}}})}});
  }
  return http::Response::json(300, {{"versions", list}});
}

http::Response ImageApi::show_image_schema(const http::Request&, const http::PathParams&,
                                           const identity::AuthContext&) {
  return http::Response::json(200, image_schema());
}

http::Response ImageApi::show_images_schema(const http::Request&, const http::PathParams&,
                                            const identity::AuthContext&) {
  return http::Response::json(200, images_schema());
}

http::Response ImageApi::list(const http::Request& r, const http::PathParams&,
                              const identity::AuthContext& ctx) {
  return http::Response::json(200, list_images(images_.list(ctx), r.query, ctx));
}

http::Response ImageApi::create(const http::Request& r, const http::PathParams&,
                                const identity::AuthContext& ctx) {
  const ImageRecord image = images_.create(ctx, parse_json(r));
  return http::Response::json(201, image_view(image))
      .with_header("Location", base_url_(r) + "/image/v2/images/" + image.id);
}

http::Response ImageApi::show(const http::Request&, const http::PathParams& p,
                              const identity::AuthContext& ctx) {
  return http::Response::json(200, image_view(images_.show(ctx, p.at("image_id"))));
}

http::Response ImageApi::update(const http::Request& r, const http::PathParams& p,
                                const identity::AuthContext& ctx) {
  const std::string type = r.header("content-type").value_or("");
  if (type.rfind("application/openstack-images-v2.1-json-patch", 0) != 0 &&
      type.rfind("application/openstack-images-v2.0-json-patch", 0) != 0) {
    throw api::ApiError(415, "HTTPUnsupportedMediaType",
                        "The request media type " + type + " is not supported by this server.");
  }
  return http::Response::json(200,
                              image_view(images_.update(ctx, p.at("image_id"), parse_json(r))));
}

http::Response ImageApi::remove(const http::Request&, const http::PathParams& p,
                                const identity::AuthContext& ctx) {
  images_.remove(ctx, p.at("image_id"));
  return http::Response::empty(204);
}

http::Response ImageApi::add_tag(const http::Request&, const http::PathParams& p,
                                 const identity::AuthContext& ctx) {
  const std::string tag = p.at("tag");
  if (tag.size() > 255) {
    throw api::bad_request("Tag value is too long.");
  }
  images_.update(
      ctx, p.at("image_id"),
      Json::array(
          {{{"op", "replace"}, {"path", "/tags"}, {"value", [&] {
                                                     auto tags =
                                                         images_.show(ctx, p.at("image_id")).tags;
                                                     tags.insert(tag);
                                                     return Json(tags);
                                                   }()}}}));
  return http::Response::empty(204);
}

http::Response ImageApi::remove_tag(const http::Request&, const http::PathParams& p,
                                    const identity::AuthContext& ctx) {
  auto tags = images_.show(ctx, p.at("image_id")).tags;
  if (tags.erase(p.at("tag")) == 0) {
    throw api::not_found("Tag " + p.at("tag") + " not found.");
  }
  images_.update(ctx, p.at("image_id"),
                 Json::array({{{"op", "replace"}, {"path", "/tags"}, {"value", tags}}}));
  return http::Response::empty(204);
}

http::Response ImageApi::download(const http::Request& request, const http::PathParams& params) {
  return guarded(request, [&] {
    const std::string& id = params.at("image_id");
    const auto host = request.header("x-neutrino-agent-host");
    const auto signature = request.header("x-neutrino-agent-signature");
    ImageDownload found;
    if (host && signature && !request.header("x-auth-token")) {
      // Constant-time check of HMAC-SHA256(agent secret, "<host>\n<image id>").
      if (agent_secret_.empty() ||
          !channel::HmacSigner(agent_secret_).verify(*host + "\n" + id, *signature)) {
        log::warning("image ", id, ": refused a download signed for agent host '", *host, "'");
        throw api::unauthorized();
      }
      found = images_.download_for_host(*host, id);
    } else {
      found = images_.download(authenticate(request), id);
    }
    if (found.path.empty()) {
      return http::Response::empty(204);  // no data yet, as Glance answers
    }
    http::Response response;
    response.content_type = "application/octet-stream";
    response.file_path = found.path.string();
    response.with_header("Content-MD5", found.image.checksum.value_or(""));
    return response;
  });
}

http::StreamStart ImageApi::upload(const http::Request& head, const http::PathParams& params) {
  std::unique_ptr<ImageUpload> upload;
  const std::string& id = params.at("image_id");
  http::Response refused = guarded(head, [&] {
    const identity::AuthContext ctx = authenticate(head);
    const std::string type = head.header("content-type").value_or("");
    if (type.rfind("application/octet-stream", 0) != 0) {
      throw api::ApiError(415, "InvalidContentType", "Invalid content type " + type);
    }
    upload = images_.begin_upload(ctx, id, declared_size(head));
    return http::Response::empty(100);
  });
  if (!upload) {
    return refused;
  }
  return std::make_unique<UploadSink>(images_, id, std::move(upload), accept_of(head));
}

}  // namespace neutrino::image
