#include "pktbench/frame_sizes.hpp"

#include <algorithm>
#include <charconv>
#include <numeric>

#include "pktbench/frame.hpp"

namespace neutrino::pktbench {

FrameSizes FrameSizes::fixed(std::size_t frame_size) {
  return FrameSizes({frame_size}, std::to_string(frame_size));
}

FrameSizes FrameSizes::imix() {
  // 7:4:1 interleaved so that a burst of 32 carries the mix, not 7 small frames in a row.
  return FrameSizes({64, 594, 64, 1518, 64, 594, 64, 64, 594, 64, 594, 64}, "imix");
}

std::optional<FrameSizes> FrameSizes::parse(std::string_view text) {
  if (text == "imix")
    return imix();
  std::size_t size = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), size);
  if (ec != std::errc() || end != text.data() + text.size())
    return std::nullopt;
  if (size < kMinFrameSize || size > kMaxFrameSize)
    return std::nullopt;
  return fixed(size);
}

std::size_t FrameSizes::largest() const {
  return *std::max_element(pattern_.begin(), pattern_.end());
}

double FrameSizes::mean() const {
  return static_cast<double>(std::accumulate(pattern_.begin(), pattern_.end(), std::size_t{0})) /
         static_cast<double>(pattern_.size());
}

}  // namespace neutrino::pktbench
