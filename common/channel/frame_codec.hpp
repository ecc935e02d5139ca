#pragma once
// Framing of the controller <-> agent push channel: each message is a JSON document preceded
// by its length as a 4-byte big-endian integer. Length-prefixing (rather than newline
// delimiting) lets a reader allocate once and reject an oversized frame before reading it.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "common/json.hpp"

namespace neutrino::channel {

constexpr size_t kMaxFrameBytes = 64 * 1024 * 1024;
// The host state nests 6 levels at most (state -> object -> rules -> rule -> field); anything
// far deeper is refused while parsing, before a recursive copy or dump() could overflow.
constexpr size_t kMaxFrameDepth = 64;

class FrameError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::string encode_frame(const Json& message);
// The same for a message already serialized (`body` must be one JSON object).
std::string encode_frame_text(std::string_view body);

// Accumulates bytes as they arrive and yields complete messages.
class FrameDecoder {
 public:
  explicit FrameDecoder(size_t max_frame_bytes = kMaxFrameBytes)
      : max_frame_bytes_(max_frame_bytes) {}
  // A peer that has not authenticated yet gets a smaller limit than one that has.
  void set_max_frame_bytes(size_t limit) { max_frame_bytes_ = limit; }

  void feed(std::string_view bytes);
  // The next complete message, or nullopt when more bytes are needed. Throws FrameError for a
  // frame above the limit (known from its length prefix, before it is buffered), nested deeper
  // than kMaxFrameDepth or not a JSON object; the stream is then unusable.
  std::optional<Json> next();
  size_t buffered() const { return buffer_.size() - offset_; }

 private:
  size_t max_frame_bytes_;
  std::string buffer_;
  size_t offset_ = 0;
};

}  // namespace neutrino::channel
