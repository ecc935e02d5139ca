#pragma once
// Downloads images from the controller's image service (contract §3):
//   GET <image service>/v2/images/<id>/file
//   X-Neutrino-Agent-Host: <host>
//   X-Neutrino-Agent-Signature: hex(HMAC-SHA256(agent secret, "<host>\n<image id>"))
// The body is streamed to the caller's sink chunk by chunk (images are large), with a
// deadline on every read so a stalled server cannot hold a worker forever.
#include <chrono>
#include <cstdint>
#include <string>

#include "compute/images/image_source.hpp"

namespace neutrino::agent {

struct ImageServiceEndpoint {
  std::string host;
  uint16_t port = 80;
  std::string path_prefix;  // "/image", without a trailing slash

  // "http://192.0.2.1:9292/image"; throws std::invalid_argument otherwise (https is not
  // supported by the agent yet: the image service is reached over the management network).
  static ImageServiceEndpoint parse(const std::string& url);
};

class GlanceImageSource : public compute::ImageSource {
 public:
  GlanceImageSource(ImageServiceEndpoint endpoint, std::string host, std::string secret);

  void fetch(const compute::ImageMeta& image, const Sink& sink) override;

  // Each step (connect, request, every read of the body) must finish within this.
  void set_timeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }

 private:
  ImageServiceEndpoint endpoint_;
  std::string host_;
  std::string secret_;
  std::chrono::milliseconds timeout_{std::chrono::seconds(60)};
};

}  // namespace neutrino::agent
