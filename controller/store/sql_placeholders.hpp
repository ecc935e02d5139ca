#pragma once
// "?, ?, ?": the placeholders of an IN list of `count` values.
#include <cstddef>
#include <string>

namespace neutrino::store {

inline std::string sql_placeholders(size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) {
    out += i == 0 ? "?" : ", ?";
  }
  return out;
}

}  // namespace neutrino::store
