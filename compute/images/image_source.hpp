#pragma once
// Where image bytes come from: the controller's image service over HTTP in the agent
// (GlanceImageSource), canned bytes in unit tests. ImageCache verifies what arrives.
#include <functional>
#include <string_view>

#include "compute/images/image_meta.hpp"

namespace neutrino::compute {

class ImageSource {
 public:
  using Sink = std::function<void(std::string_view chunk)>;
  virtual ~ImageSource() = default;
  // Streams the image's bytes to `sink`, in order. Throws ImageError (or any exception, e.g.
  // from the sink) on failure; the caller then discards what it received.
  virtual void fetch(const ImageMeta& image, const Sink& sink) = 0;
};

}  // namespace neutrino::compute
