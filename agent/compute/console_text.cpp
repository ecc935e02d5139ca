#include "agent/compute/console_text.hpp"

namespace neutrino::agent {
namespace {

// Length of the valid UTF-8 sequence at `at`, or 0.
size_t sequence_length(std::string_view s, size_t at) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char lead = byte(at);
  size_t length = 0;
  uint32_t min = 0;
  uint32_t cp = 0;
  if (lead < 0x80) {
    return 1;
  } else if ((lead & 0xe0) == 0xc0) {
    length = 2, min = 0x80, cp = lead & 0x1f;
  } else if ((lead & 0xf0) == 0xe0) {
    length = 3, min = 0x800, cp = lead & 0x0f;
  } else if ((lead & 0xf8) == 0xf0) {
    length = 4, min = 0x10000, cp = lead & 0x07;
  } else {
    return 0;
  }
  if (at + length > s.size()) {
    return 0;
  }
  for (size_t i = 1; i < length; ++i) {
    if ((byte(at + i) & 0xc0) != 0x80) {
      return 0;
    }
    cp = (cp << 6) | (byte(at + i) & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
    return 0;
  }
  return length;
}

}  // namespace

std::string valid_utf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (size_t at = 0; at < bytes.size();) {
    const size_t length = sequence_length(bytes, at);
    if (length == 0) {
      out += "\xef\xbf\xbd";
      ++at;
    } else {
      out.append(bytes.substr(at, length));
      at += length;
    }
  }
  return out;
}

std::string last_lines(std::string_view text, std::optional<int64_t> lines) {
  if (!lines) {
    return std::string(text);
  }
  if (*lines <= 0) {
    return "";
  }
  size_t end = text.size();
  if (end > 0 && text[end - 1] == '\n') {
    --end;
  }
  int64_t seen = 0;
  for (size_t i = end; i > 0; --i) {
    if (text[i - 1] == '\n' && ++seen == *lines) {
      return std::string(text.substr(i));
    }
  }
  return std::string(text);
}

}  // namespace neutrino::agent
