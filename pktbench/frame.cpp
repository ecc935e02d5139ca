#include "pktbench/frame.hpp"

#include <charconv>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace neutrino::pktbench {
namespace {

void put16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}

void put32(std::uint8_t* p, std::uint32_t v) {
  put16(p, static_cast<std::uint16_t>(v >> 16));
  put16(p + 2, static_cast<std::uint16_t>(v));
}

void put64(std::uint8_t* p, std::uint64_t v) {
  put32(p, static_cast<std::uint32_t>(v >> 32));
  put32(p + 4, static_cast<std::uint32_t>(v));
}

std::uint16_t get16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

std::uint64_t get64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v = (v << 8) | p[i];
  return v;
}

std::uint16_t ipv4_checksum(const std::uint8_t* header) {
  std::uint32_t sum = 0;
  for (int i = 0; i < 20; i += 2)
    sum += get16(header + i);
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

}  // namespace

std::optional<MacAddress> parse_mac(std::string_view text) {
  MacAddress mac{};
  if (text.size() != 17)
    return std::nullopt;
  for (std::size_t i = 0; i < 6; ++i) {
    std::string_view octet = text.substr(i * 3, 2);
    if (i < 5 && text[i * 3 + 2] != ':')
      return std::nullopt;
    auto [end, ec] = std::from_chars(octet.data(), octet.data() + 2, mac[i], 16);
    if (ec != std::errc() || end != octet.data() + 2)
      return std::nullopt;
  }
  return mac;
}

std::string format_mac(const MacAddress& mac) {
  char text[18];
  std::snprintf(text, sizeof text, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
                mac[4], mac[5]);
  return text;
}

std::optional<std::uint32_t> parse_ipv4(std::string_view text) {
  std::uint32_t address = 0;
  const char* p = text.data();
  const char* end = text.data() + text.size();
  for (int i = 0; i < 4; ++i) {
    unsigned octet = 0;
    auto [next, ec] = std::from_chars(p, end, octet);
    if (ec != std::errc() || octet > 255 || next == p || next - p > 3)
      return std::nullopt;
    address = (address << 8) | octet;
    p = next;
    if (i < 3) {
      if (p == end || *p != '.')
        return std::nullopt;
      ++p;
    }
  }
  if (p != end)
    return std::nullopt;
  return address;
}

std::size_t build_frame(const FlowAddresses& flow, std::size_t frame_size,
                        std::span<std::uint8_t> out) {
  if (frame_size < kMinFrameSize || frame_size > kMaxFrameSize) {
    throw std::invalid_argument("frame size must be 64..1518 bytes");
  }
  const std::size_t bytes = buffer_bytes(frame_size);
  if (out.size() < bytes)
    throw std::invalid_argument("frame buffer too small");
  std::uint8_t* p = out.data();
  std::memset(p, 0, bytes);
  std::memcpy(p, flow.dst_mac.data(), 6);
  std::memcpy(p + 6, flow.src_mac.data(), 6);
  put16(p + 12, 0x0800);
  std::uint8_t* ip = p + 14;
  ip[0] = 0x45;
  put16(ip + 2, static_cast<std::uint16_t>(bytes - 14));
  ip[6] = 0x40;  // don't fragment
  ip[8] = 64;    // TTL
  ip[9] = 17;    // UDP
  put32(ip + 12, flow.src_ip);
  put32(ip + 16, flow.dst_ip);
  put16(ip + 10, ipv4_checksum(ip));
  std::uint8_t* udp = ip + 20;
  put16(udp, flow.src_port);
  put16(udp + 2, flow.dst_port);
  put16(udp + 4, static_cast<std::uint16_t>(bytes - 34));
  put16(p + kProbeOffset, kProbeMagic);
  return bytes;
}

void stamp_probe(std::span<std::uint8_t> frame, const Probe& probe) {
  put64(frame.data() + kProbeOffset + 2, probe.sequence);
  put64(frame.data() + kProbeOffset + 10, probe.tx_ns);
}

std::optional<Probe> parse_probe(std::span<const std::uint8_t> frame, std::uint16_t dst_port) {
  if (frame.size() < kProbeOffset + kProbeBytes)
    return std::nullopt;
  const std::uint8_t* p = frame.data();
  if (get16(p + 12) != 0x0800)
    return std::nullopt;
  const std::uint8_t* ip = p + 14;
  if (ip[0] != 0x45 || ip[9] != 17)
    return std::nullopt;
  if ((get16(ip + 6) & 0x3fff) != 0)
    return std::nullopt;  // a fragment
  const std::uint8_t* udp = ip + 20;
  if (get16(udp + 2) != dst_port)
    return std::nullopt;
  if (get16(udp + 4) < 8 + kProbeBytes)
    return std::nullopt;
  if (get16(p + kProbeOffset) != kProbeMagic)
    return std::nullopt;
  return Probe{get64(p + kProbeOffset + 2), get64(p + kProbeOffset + 10)};
}

}  // namespace neutrino::pktbench
