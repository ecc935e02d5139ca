#include "common/channel/frame_codec.hpp"

#include "common/bounded_json.hpp"

namespace neutrino::channel {

std::string encode_frame(const Json& message) {
  return encode_frame_text(message.dump());
}

std::string encode_frame_text(std::string_view body) {
  if (body.size() > kMaxFrameBytes) {
    throw FrameError("message of " + std::to_string(body.size()) +
                     " bytes exceeds the frame limit");
  }
  const auto n = static_cast<uint32_t>(body.size());
  std::string frame;
  frame.reserve(4 + body.size());
  frame.push_back(static_cast<char>((n >> 24) & 0xff));
  frame.push_back(static_cast<char>((n >> 16) & 0xff));
  frame.push_back(static_cast<char>((n >> 8) & 0xff));
  frame.push_back(static_cast<char>(n & 0xff));
  frame += body;
  return frame;
}

void FrameDecoder::feed(std::string_view bytes) {
  // Drop consumed bytes before growing, so a long-lived stream does not keep its history.
  if (offset_ > 0 && offset_ >= buffer_.size() / 2) {
    buffer_.erase(0, offset_);
    offset_ = 0;
  }
  buffer_.append(bytes);
}

std::optional<Json> FrameDecoder::next() {
  if (buffered() < 4) {
    return std::nullopt;
  }
  const auto* p = reinterpret_cast<const unsigned char*>(buffer_.data() + offset_);
  const uint32_t n =
      (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
  if (n > max_frame_bytes_) {
    throw FrameError("frame of " + std::to_string(n) + " bytes exceeds the limit of " +
                     std::to_string(max_frame_bytes_));
  }
  if (buffered() < 4 + size_t{n}) {
    return std::nullopt;
  }
  // Frames arrive before the peer has authenticated: bounded like any outside input.
  JsonParseResult parsed = parse_bounded_json(std::string_view(buffer_.data() + offset_ + 4, n),
                                              {kMaxFrameDepth, kMaxFrameBytes});
  offset_ += 4 + n;
  if (!parsed.ok()) {
    throw FrameError("frame is not JSON: " + parsed.reason);
  }
  if (!parsed.value.is_object()) {
    throw FrameError("frame is not a JSON object");
  }
  return std::move(parsed.value);
}

}  // namespace neutrino::channel
