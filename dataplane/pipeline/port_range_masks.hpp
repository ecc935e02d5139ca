#pragma once
// OpenFlow matches transport ports by value and bit mask, not by range: [min, max] becomes the
// fewest aligned power-of-two blocks that cover it exactly ("1000-1999" takes 7 flows, a single
// port or the full range one).
#include <cstdint>
#include <string>
#include <vector>

namespace neutrino::dataplane::pipeline {

// "22" for a single port, "0x400/0xfc00" for a block; empty when min > max. The full range
// 0-65535 gives "0x0/0x0", which callers may rather leave out of the match.
std::vector<std::string> port_range_masks(std::uint16_t min, std::uint16_t max);

}  // namespace neutrino::dataplane::pipeline
