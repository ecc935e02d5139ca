#include "common/text_prefix.hpp"

namespace neutrino {

std::string text_prefix(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) {
    return std::string(text);
  }
  size_t cut = max_bytes;
  // Back up over continuation bytes (10xxxxxx) so no character is split: the result must stay
  // valid UTF-8, or rendering it into a JSON error body would throw.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return std::string(text.substr(0, cut)) + "...";
}

std::string json_prefix(const Json& value, size_t max_bytes) {
  if (value.is_string()) {
    return text_prefix(value.get_ref<const std::string&>(), max_bytes);
  }
  // Values reach here from the bounded parser, so dump() is shallow; replace keeps any
  // invalid UTF-8 from throwing.
  return text_prefix(value.dump(-1, ' ', false, Json::error_handler_t::replace), max_bytes);
}

}  // namespace neutrino
