#include "controller/store/sql_value.hpp"

namespace neutrino::store {

std::string SqlRow::text(size_t i) const {
  const auto& v = columns_.at(i);
  if (const auto* s = std::get_if<std::string>(&v)) {
    return *s;
  }
  if (const auto* n = std::get_if<int64_t>(&v)) {
    return std::to_string(*n);
  }
  if (const auto* d = std::get_if<double>(&v)) {
    return std::to_string(*d);
  }
  return {};
}

std::optional<std::string> SqlRow::optional_text(size_t i) const {
  if (is_null(i)) {
    return std::nullopt;
  }
  return text(i);
}

int64_t SqlRow::integer(size_t i) const {
  const auto& v = columns_.at(i);
  if (const auto* n = std::get_if<int64_t>(&v)) {
    return *n;
  }
  if (const auto* d = std::get_if<double>(&v)) {
    return static_cast<int64_t>(*d);
  }
  if (const auto* s = std::get_if<std::string>(&v)) {
    return s->empty() ? 0 : std::stoll(*s);
  }
  return 0;
}

}  // namespace neutrino::store
