#pragma once
// The options of one DHCP message, in order of first appearance. A code appears once: the
// parser concatenates repeated instances (RFC 3396) and the serializer splits long values
// back into 255-byte instances, so callers only ever see whole values.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "dhcp/ipv4_address.hpp"

namespace neutrino::dhcp {

struct DhcpOption {
  uint8_t code = 0;
  std::vector<uint8_t> data;

  friend bool operator==(const DhcpOption&, const DhcpOption&) = default;
};

class DhcpOptions {
 public:
  // Appends to the value of an option already present (RFC 3396 concatenation), or adds the
  // option at the end.
  void append(uint8_t code, std::span<const uint8_t> data);
  // Replaces the value of an option already present, or adds the option at the end.
  void set(uint8_t code, std::vector<uint8_t> data);
  void set_u8(uint8_t code, uint8_t value);
  void set_u16(uint8_t code, uint16_t value);
  void set_u32(uint8_t code, uint32_t value);
  void set_address(uint8_t code, Ipv4Address address);
  void set_addresses(uint8_t code, std::span<const Ipv4Address> addresses);
  void set_string(uint8_t code, std::string_view text);
  void erase(uint8_t code);

  const std::vector<uint8_t>* find(uint8_t code) const;
  bool contains(uint8_t code) const { return find(code) != nullptr; }
  // Typed reads: nullopt when the option is absent or does not have exactly that size.
  std::optional<uint8_t> u8(uint8_t code) const;
  std::optional<uint16_t> u16(uint8_t code) const;
  std::optional<uint32_t> u32(uint8_t code) const;
  std::optional<Ipv4Address> address(uint8_t code) const;

  const std::vector<DhcpOption>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  void clear() { entries_.clear(); }

  friend bool operator==(const DhcpOptions&, const DhcpOptions&) = default;

 private:
  std::vector<DhcpOption> entries_;
};

}  // namespace neutrino::dhcp
