#pragma once
// One OpenFlow message on the wire, header included, as plain bytes: the types of
// libopenvswitch never leave dataplane/openflow/*.cpp.
#include <cstdint>
#include <vector>

namespace neutrino::dataplane::openflow {

using Message = std::vector<std::uint8_t>;

// The only version this package speaks: OpenFlow 1.3 (wire version 0x04).
inline constexpr std::uint8_t kOpenFlow13 = 0x04;

}  // namespace neutrino::dataplane::openflow
