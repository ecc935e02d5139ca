#pragma once
// Internal to dataplane/openflow: moving messages between libopenvswitch's ofpbuf and Message.
// Include only from .cpp files; public headers never name an OVS type.
#include <cstdint>
#include <span>

#include "dataplane/openflow/message.hpp"

struct ofpbuf;

namespace neutrino::dataplane::openflow::detail {

// Copies the message in `buffer` out, stamps it with `xid`, and frees the buffer (the
// libopenvswitch encoders return heap buffers and pick xids of their own).
Message take(ofpbuf* buffer, std::uint32_t xid);

// Checks that `message` is one whole message whose header libopenvswitch recognises, before it
// reaches libopenvswitch's decoders: several of them assert (abort the process) on a malformed
// header instead of returning an error. Throws std::invalid_argument.
void check_decodable(std::span<const std::uint8_t> message);

}  // namespace neutrino::dataplane::openflow::detail
