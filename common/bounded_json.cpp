#include "common/bounded_json.hpp"

#include <exception>

namespace neutrino {
namespace {

// nlohmann's own DOM builder (iterative, an explicit stack), fed through a counter that stops
// the parse at the first container opened beyond the limit: returning false from a SAX event
// aborts parsing before the value is built any deeper.
class DepthLimitedBuilder {
 public:
  using DomParser = nlohmann::detail::json_sax_dom_parser<Json>;

  DepthLimitedBuilder(Json& root, size_t max_depth) : dom_(root, false), max_depth_(max_depth) {}

  bool null() { return dom_.null(); }
  bool boolean(bool value) { return dom_.boolean(value); }
  bool number_integer(Json::number_integer_t value) { return dom_.number_integer(value); }
  bool number_unsigned(Json::number_unsigned_t value) { return dom_.number_unsigned(value); }
  bool number_float(Json::number_float_t value, const Json::string_t& text) {
    return dom_.number_float(value, text);
  }
  bool string(Json::string_t& value) { return dom_.string(value); }
  bool binary(Json::binary_t& value) { return dom_.binary(value); }
  bool key(Json::string_t& value) { return dom_.key(value); }

  bool start_object(size_t elements) { return enter() && dom_.start_object(elements); }
  bool start_array(size_t elements) { return enter() && dom_.start_array(elements); }
  bool end_object() {
    --depth_;
    return dom_.end_object();
  }
  bool end_array() {
    --depth_;
    return dom_.end_array();
  }

  bool parse_error(size_t position, const std::string& token,
                   const nlohmann::detail::exception& e) {
    syntax_error_ = e.what();
    return dom_.parse_error(position, token, e);
  }

  bool too_deep() const { return too_deep_; }
  const std::string& syntax_error() const { return syntax_error_; }

 private:
  bool enter() {
    if (++depth_ > max_depth_) {
      too_deep_ = true;
      return false;
    }
    return true;
  }

  DomParser dom_;
  size_t max_depth_;
  size_t depth_ = 0;
  bool too_deep_ = false;
  std::string syntax_error_;
};

JsonParseResult refused(JsonRefusal refusal, std::string reason) {
  JsonParseResult result;
  result.refusal = refusal;
  result.reason = std::move(reason);
  return result;
}

}  // namespace

JsonParseResult parse_bounded_json(std::string_view text, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return refused(JsonRefusal::kTooLarge, "JSON text of " + std::to_string(text.size()) +
                                               " bytes exceeds the limit of " +
                                               std::to_string(limits.max_bytes));
  }
  JsonParseResult result;
  DepthLimitedBuilder builder(result.value, limits.max_depth);
  bool parsed = false;
  try {
    parsed = Json::sax_parse(text.begin(), text.end(), &builder);
  } catch (const std::exception& e) {
    // Only std::bad_alloc is expected here: syntax errors come through parse_error().
    return refused(JsonRefusal::kSyntax, e.what());
  }
  if (builder.too_deep()) {
    return refused(JsonRefusal::kTooDeep,
                   "JSON nested deeper than " + std::to_string(limits.max_depth) + " levels");
  }
  if (!parsed) {
    return refused(JsonRefusal::kSyntax, builder.syntax_error().empty()
                                             ? std::string("malformed JSON")
                                             : builder.syntax_error());
  }
  return result;
}

}  // namespace neutrino
