#pragma once
// Hand-built OpenFlow messages for tests, so the expectations do not come from the code under
// test (libopenvswitch's encoders).
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string_view>

#include "dataplane/openflow/message.hpp"

namespace neutrino::dataplane::openflow::wire {

// OpenFlow 1.3 message types used by the tests.
inline constexpr std::uint8_t kHello = 0;
inline constexpr std::uint8_t kError = 1;
inline constexpr std::uint8_t kEchoRequest = 2;
inline constexpr std::uint8_t kEchoReply = 3;
inline constexpr std::uint8_t kExperimenter = 4;
inline constexpr std::uint8_t kFlowMod = 14;
inline constexpr std::uint8_t kMultipartRequest = 18;
inline constexpr std::uint8_t kMultipartReply = 19;
inline constexpr std::uint8_t kBarrierRequest = 20;
inline constexpr std::uint8_t kBarrierReply = 21;

inline void put16(Message& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value));
}

inline void put32(Message& out, std::uint32_t value) {
  put16(out, static_cast<std::uint16_t>(value >> 16));
  put16(out, static_cast<std::uint16_t>(value));
}

inline std::uint16_t get16(const Message& in, std::size_t offset) {
  return static_cast<std::uint16_t>(in.at(offset) << 8 | in.at(offset + 1));
}

inline std::uint32_t get32(const Message& in, std::size_t offset) {
  return std::uint32_t{get16(in, offset)} << 16 | get16(in, offset + 2);
}

inline std::uint64_t get64(const Message& in, std::size_t offset) {
  return std::uint64_t{get32(in, offset)} << 32 | get32(in, offset + 4);
}

// Header plus `body`, with the length filled in.
inline Message message(std::uint8_t version, std::uint8_t type, std::uint32_t xid,
                       std::initializer_list<std::uint8_t> body = {}) {
  Message out{version, type, 0, 0};
  put32(out, xid);
  out.insert(out.end(), body);
  out[2] = static_cast<std::uint8_t>(out.size() >> 8);
  out[3] = static_cast<std::uint8_t>(out.size());
  return out;
}

// A HELLO of `version` with no elements (the peer supports every version up to it).
inline Message hello(std::uint8_t version, std::uint32_t xid = 1) {
  return message(version, kHello, xid);
}

// An OpenFlow 1.3 OFPT_ERROR of `type`/`code`, with a few bytes of the failed request.
inline Message error(std::uint16_t type, std::uint16_t code, std::uint32_t xid) {
  Message out = message(kOpenFlow13, kError, xid);
  put16(out, type);
  put16(out, code);
  Message failed = message(kOpenFlow13, kFlowMod, xid);
  out.insert(out.end(), failed.begin(), failed.end());
  out[2] = static_cast<std::uint8_t>(out.size() >> 8);
  out[3] = static_cast<std::uint8_t>(out.size());
  return out;
}

}  // namespace neutrino::dataplane::openflow::wire
