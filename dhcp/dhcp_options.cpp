#include "dhcp/dhcp_options.hpp"

#include <algorithm>

namespace neutrino::dhcp {

void DhcpOptions::append(uint8_t code, std::span<const uint8_t> data) {
  for (DhcpOption& entry : entries_) {
    if (entry.code == code) {
      entry.data.insert(entry.data.end(), data.begin(), data.end());
      return;
    }
  }
  entries_.push_back({code, std::vector<uint8_t>(data.begin(), data.end())});
}

void DhcpOptions::set(uint8_t code, std::vector<uint8_t> data) {
  for (DhcpOption& entry : entries_) {
    if (entry.code == code) {
      entry.data = std::move(data);
      return;
    }
  }
  entries_.push_back({code, std::move(data)});
}

void DhcpOptions::set_u8(uint8_t code, uint8_t value) {
  set(code, {value});
}

void DhcpOptions::set_u16(uint8_t code, uint16_t value) {
  set(code, {static_cast<uint8_t>(value >> 8), static_cast<uint8_t>(value)});
}

void DhcpOptions::set_u32(uint8_t code, uint32_t value) {
  std::vector<uint8_t> bytes(4);
  Ipv4Address(value).to_bytes(bytes.data());
  set(code, std::move(bytes));
}

void DhcpOptions::set_address(uint8_t code, Ipv4Address address) {
  set_u32(code, address.value());
}

void DhcpOptions::set_addresses(uint8_t code, std::span<const Ipv4Address> addresses) {
  std::vector<uint8_t> bytes(addresses.size() * 4);
  for (size_t i = 0; i < addresses.size(); ++i) {
    addresses[i].to_bytes(bytes.data() + i * 4);
  }
  set(code, std::move(bytes));
}

void DhcpOptions::set_string(uint8_t code, std::string_view text) {
  set(code, std::vector<uint8_t>(text.begin(), text.end()));
}

void DhcpOptions::erase(uint8_t code) {
  std::erase_if(entries_, [code](const DhcpOption& entry) { return entry.code == code; });
}

const std::vector<uint8_t>* DhcpOptions::find(uint8_t code) const {
  for (const DhcpOption& entry : entries_) {
    if (entry.code == code) {
      return &entry.data;
    }
  }
  return nullptr;
}

std::optional<uint8_t> DhcpOptions::u8(uint8_t code) const {
  const auto* data = find(code);
  if (data == nullptr || data->size() != 1) {
    return std::nullopt;
  }
  return (*data)[0];
}

std::optional<uint16_t> DhcpOptions::u16(uint8_t code) const {
  const auto* data = find(code);
  if (data == nullptr || data->size() != 2) {
    return std::nullopt;
  }
  return static_cast<uint16_t>(((*data)[0] << 8) | (*data)[1]);
}

std::optional<uint32_t> DhcpOptions::u32(uint8_t code) const {
  const auto* data = find(code);
  if (data == nullptr || data->size() != 4) {
    return std::nullopt;
  }
  return Ipv4Address::from_bytes(data->data()).value();
}

std::optional<Ipv4Address> DhcpOptions::address(uint8_t code) const {
  const auto value = u32(code);
  if (!value) {
    return std::nullopt;
  }
  return Ipv4Address(*value);
}

}  // namespace neutrino::dhcp
