#include "dataplane/pipeline/port_range_masks.hpp"

#include "dataplane/pipeline/address.hpp"

namespace neutrino::dataplane::pipeline {

std::vector<std::string> port_range_masks(std::uint16_t min, std::uint16_t max) {
  std::vector<std::string> out;
  std::uint32_t start = min;
  const std::uint32_t end = max;  // inclusive
  while (start <= end) {
    // The largest block that starts at `start` (alignment) and stays within the range.
    std::uint32_t size = 1;
    while ((start & (size * 2 - 1)) == 0 && start + size * 2 - 1 <= end && size * 2 <= 0x10000) {
      size *= 2;
    }
    if (size == 1) {
      out.push_back(std::to_string(start));
    } else {
      out.push_back(hex(start) + "/" + hex(0xffffu & ~(size - 1)));
    }
    start += size;
  }
  return out;
}

}  // namespace neutrino::dataplane::pipeline
