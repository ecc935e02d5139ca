#pragma once
// The benchmark's probe frames: Ethernet + IPv4 + UDP, the payload carrying a magic, a
// sequence number and the TX timestamp. Pure byte handling, no DPDK, so tests build frames
// and parse them back without a NIC.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace neutrino::pktbench {

// Frame sizes follow RFC 2544: the size on the wire including the 4-byte FCS the NIC (or
// veth) adds, so a "64-byte frame" is 60 bytes handed to the driver.
inline constexpr std::size_t kFcsBytes = 4;
inline constexpr std::size_t kMinFrameSize = 64;
inline constexpr std::size_t kMaxFrameSize = 1518;  // 1500 bytes of IPv4 in one frame
inline constexpr std::size_t kHeaderBytes = 14 + 20 + 8;
inline constexpr std::size_t kProbeOffset = kHeaderBytes;
inline constexpr std::size_t kProbeBytes = 2 + 8 + 8;  // magic, sequence, tx timestamp
inline constexpr std::uint16_t kProbeMagic = 0x4e42;   // "NB"

using MacAddress = std::array<std::uint8_t, 6>;

std::optional<MacAddress> parse_mac(std::string_view text);
std::string format_mac(const MacAddress& mac);
// Dotted quad to a host-order address.
std::optional<std::uint32_t> parse_ipv4(std::string_view text);

struct FlowAddresses {
  MacAddress src_mac{};
  MacAddress dst_mac{};
  std::uint32_t src_ip = 0;  // host order
  std::uint32_t dst_ip = 0;
  std::uint16_t src_port = 49152;
  std::uint16_t dst_port = 9;  // discard
};

struct Probe {
  std::uint64_t sequence = 0;
  std::uint64_t tx_ns = 0;
};

// Bytes handed to the driver for a frame of `frame_size` on the wire.
constexpr std::size_t buffer_bytes(std::size_t frame_size) {
  return frame_size - kFcsBytes;
}

// Writes the headers (IPv4 checksum included; UDP checksum 0, which IPv4 allows) and zero
// payload into `out`, which must hold buffer_bytes(frame_size). frame_size must lie in
// [kMinFrameSize, kMaxFrameSize]. Returns the number of bytes written.
std::size_t build_frame(const FlowAddresses& flow, std::size_t frame_size,
                        std::span<std::uint8_t> out);

// Writes the probe into a frame built by build_frame.
void stamp_probe(std::span<std::uint8_t> frame, const Probe& probe);

// The probe of a received frame, if it is one of ours: IPv4/UDP to `dst_port`, long enough,
// with the magic. Anything else (ARP, the guest kernel's own traffic) gives nullopt.
std::optional<Probe> parse_probe(std::span<const std::uint8_t> frame, std::uint16_t dst_port);

}  // namespace neutrino::pktbench
