#include "agent/ovs/json_stream_splitter.hpp"

#include <stdexcept>

namespace neutrino::agent::ovs {

JsonStreamSplitter::JsonStreamSplitter(size_t max_message_bytes)
    : max_message_bytes_(max_message_bytes) {}

void JsonStreamSplitter::reset() {
  partial_.clear();
  depth_ = 0;
  in_string_ = false;
  escaped_ = false;
}

void JsonStreamSplitter::feed(std::string_view data, std::vector<std::string>& out) {
  size_t start = 0;  // where the text being scanned begins in `data`
  for (size_t i = 0; i < data.size(); ++i) {
    const char c = data[i];
    if (depth_ == 0) {
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        start = i + 1;
        continue;
      }
      if (c != '{' && c != '[') {
        throw std::runtime_error(std::string("JSON-RPC stream: unexpected byte '") + c +
                                 "' between messages");
      }
      start = i;
    }
    if (in_string_) {
      if (escaped_) {
        escaped_ = false;
      } else if (c == '\\') {
        escaped_ = true;
      } else if (c == '"') {
        in_string_ = false;
      }
      continue;
    }
    if (c == '"') {
      in_string_ = true;
    } else if (c == '{' || c == '[') {
      ++depth_;
    } else if (c == '}' || c == ']') {
      if (--depth_ == 0) {
        partial_.append(data.substr(start, i + 1 - start));
        out.push_back(std::move(partial_));
        partial_.clear();
        start = i + 1;
      }
    }
  }
  if (depth_ > 0) {
    partial_.append(data.substr(start));
    if (partial_.size() > max_message_bytes_) {
      throw std::runtime_error("JSON-RPC stream: message larger than " +
                               std::to_string(max_message_bytes_) + " bytes");
    }
  }
}

}  // namespace neutrino::agent::ovs
