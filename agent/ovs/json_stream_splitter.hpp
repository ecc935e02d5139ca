#pragma once
// OVSDB's JSON-RPC sends JSON texts back to back on a stream, with no length prefix or
// delimiter. This cuts the byte stream into complete texts by tracking nesting and strings,
// so each text can be handed to the JSON parser whole.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace neutrino::agent::ovs {

class JsonStreamSplitter {
 public:
  explicit JsonStreamSplitter(size_t max_message_bytes = size_t{64} << 20);

  // Appends complete top-level objects/arrays found in `data` to `out`; a text cut short
  // stays buffered until the next call. Throws std::runtime_error on bytes that cannot start
  // a JSON-RPC message or on a message larger than the limit (the stream is then unusable).
  void feed(std::string_view data, std::vector<std::string>& out);
  // True when no partial message is buffered.
  bool idle() const { return depth_ == 0 && partial_.empty(); }
  void reset();

 private:
  size_t max_message_bytes_;
  std::string partial_;
  int depth_ = 0;
  bool in_string_ = false;
  bool escaped_ = false;
};

}  // namespace neutrino::agent::ovs
