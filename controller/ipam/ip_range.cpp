#include "controller/ipam/ip_range.hpp"

#include <ostream>

namespace neutrino::ipam {

uint128 IpRange::size() const {
  if (!valid()) {
    return 0;
  }
  const uint128 span = last.value() - first.value();
  return span == ~uint128{0} ? span : span + 1;
}

std::string IpRange::to_string() const {
  return first.to_string() + "-" + last.to_string();
}

std::ostream& operator<<(std::ostream& out, const IpRange& range) {
  return out << range.to_string();
}

}  // namespace neutrino::ipam
