#include "controller/ipam/range_list.hpp"

#include <charconv>
#include <stdexcept>

namespace neutrino::ipam {
namespace {

std::string_view trim(std::string_view text) {
  const auto begin = text.find_first_not_of(" \t");
  if (begin == text.npos) {
    return {};
  }
  return text.substr(begin, text.find_last_not_of(" \t") - begin + 1);
}

// Splits on `separator` and trims each piece; an all-blank text has no pieces.
std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> pieces;
  if (trim(text).empty()) {
    return pieces;
  }
  for (size_t start = 0;;) {
    const auto end = text.find(separator, start);
    pieces.push_back(trim(text.substr(start, end == text.npos ? text.npos : end - start)));
    if (end == text.npos) {
      return pieces;
    }
    start = end + 1;
  }
}

[[noreturn]] void fail(std::string_view item, const std::string& why) {
  throw std::invalid_argument("invalid range '" + std::string(item) + "': " + why);
}

uint32_t parse_id(std::string_view item, std::string_view digits) {
  uint32_t value = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || error != std::errc() || end != digits.data() + digits.size()) {
    fail(item, "'" + std::string(digits) + "' is not an unsigned 32-bit number");
  }
  return value;
}

IdRange parse_range(std::string_view item, std::string_view low, std::string_view high,
                    IdRange allowed) {
  const IdRange range{parse_id(item, trim(low)), parse_id(item, trim(high))};
  if (range.min > range.max) {
    fail(item, "the start is above the end");
  }
  if (range.min < allowed.min || range.max > allowed.max) {
    fail(item,
         "ids must be within " + std::to_string(allowed.min) + ".." + std::to_string(allowed.max));
  }
  return range;
}

}  // namespace

std::vector<IdRange> parse_id_ranges(std::string_view text, IdRange allowed) {
  std::vector<IdRange> ranges;
  for (const auto item : split(text, ',')) {
    const auto fields = split(item, ':');
    if (fields.size() != 2) {
      fail(item, "expected min:max");
    }
    ranges.push_back(parse_range(item, fields[0], fields[1], allowed));
  }
  return ranges;
}

std::map<std::string, std::vector<IdRange>> parse_vlan_ranges(std::string_view text) {
  std::map<std::string, std::vector<IdRange>> physnets;
  for (const auto item : split(text, ',')) {
    const auto fields = split(item, ':');
    if ((fields.size() != 1 && fields.size() != 3) || fields[0].empty()) {
      fail(item, "expected physnet or physnet:min:max");
    }
    auto& ranges = physnets[std::string(fields[0])];
    if (fields.size() == 3) {
      ranges.push_back(parse_range(item, fields[1], fields[2], {1, 4094}));
    }
  }
  return physnets;
}

std::set<std::string> parse_name_list(std::string_view text) {
  std::set<std::string> names;
  for (const auto name : split(text, ',')) {
    if (name.empty()) {
      throw std::invalid_argument("empty name in list '" + std::string(text) + "'");
    }
    names.insert(std::string(name));
  }
  return names;
}

}  // namespace neutrino::ipam
