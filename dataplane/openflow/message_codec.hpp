#pragma once
// The OpenFlow 1.3 session messages (hello, echo, barrier, bundles, errors), encoded and
// decoded by libopenvswitch. Header fields are read here without it, so a connection can frame
// the byte stream before a message is whole.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "dataplane/openflow/message.hpp"
#include "dataplane/openflow/openflow_error.hpp"

namespace neutrino::dataplane::openflow {

enum class MessageKind {
  kHello,
  kError,
  kEchoRequest,
  kEchoReply,
  kBarrierReply,
  kMultipartReply,
  kBundleControl,
  kOther,  // anything else, including what libopenvswitch cannot decode
};

// OFPBCT_*_REQUEST of a bundle control message; the reply is the request type + 1.
enum class BundleOperation : std::uint16_t { kOpen = 0, kClose = 2, kCommit = 4, kDiscard = 6 };

// OFPBF_* bundle flags.
inline constexpr std::uint16_t kBundleAtomic = 1 << 0;
inline constexpr std::uint16_t kBundleOrdered = 1 << 1;

class MessageCodec {
 public:
  static constexpr std::size_t kHeaderSize = 8;

  // Fields of the 8-byte header at the start of `bytes`.
  static std::uint8_t version(std::span<const std::uint8_t> bytes);
  static std::size_t length(std::span<const std::uint8_t> bytes);
  static std::uint32_t xid(std::span<const std::uint8_t> bytes);

  static MessageKind kind(std::span<const std::uint8_t> message);
  // A multipart reply with more parts to come (OFPMPF_REPLY_MORE).
  static bool more_follows(std::span<const std::uint8_t> message);

  // HELLO offering OpenFlow 1.3 only, with a version bitmap.
  static Message hello(std::uint32_t xid);
  // The version both sides speak, given the peer's HELLO; nullopt when there is none.
  static std::optional<std::uint8_t> negotiate(std::span<const std::uint8_t> peer_hello);
  // The OFPET_HELLO_FAILED/OFPHFC_INCOMPATIBLE error to send before hanging up.
  static Message hello_failed(std::uint8_t version, std::string_view reason, std::uint32_t xid);
  // The OpenFlowError for a failed negotiation with `peer_hello`.
  static OpenFlowError incompatible(std::span<const std::uint8_t> peer_hello);

  static Message echo_request(std::uint32_t xid);
  static Message echo_reply(std::span<const std::uint8_t> request);
  static Message barrier_request(std::uint32_t xid);
  // Nicira extension NXT_CT_FLUSH_ZONE (`ovs-ofctl ct-flush-zone`): forgets every connection
  // tracked in `zone`. No reply; a barrier after it confirms it was done.
  static Message ct_flush_zone(std::uint16_t zone, std::uint32_t xid);
  // NXT_CT_FLUSH (`ovs-ofctl ct-flush`): forgets the connections in `zone` whose original
  // direction matches `orig_tuple`, in ovs-ofctl's syntax ("ct_nw_src=10.0.0.5"); fields left
  // out match anything. Throws std::invalid_argument when the tuple does not parse.
  static Message ct_flush(std::uint16_t zone, const std::string& orig_tuple, std::uint32_t xid);

  // OFPT_PACKET_OUT in ovs-ofctl's packet-out syntax ("in_port=controller,packet=<hex>,
  // actions=output:3"). Throws std::invalid_argument when it does not parse.
  static Message packet_out(const std::string& text, std::uint32_t xid);

  // ONF extension 230 (OpenFlow 1.4 bundles in 1.3), as `ovs-ofctl --bundle` sends it.
  static Message bundle_control(std::uint32_t bundle_id, BundleOperation operation,
                                std::uint16_t flags, std::uint32_t xid);
  // Wraps `inner` (whose xid the wrapper takes, as the extension requires).
  static Message bundle_add(std::uint32_t bundle_id, std::uint16_t flags,
                            std::span<const std::uint8_t> inner);
  // Whether `message` is the reply to `operation` on bundle `bundle_id`.
  static bool is_bundle_reply(std::span<const std::uint8_t> message, std::uint32_t bundle_id,
                              BundleOperation operation);

  // An OFPT_ERROR as an exception object with OpenFlow's names.
  static OpenFlowError decode_error(std::span<const std::uint8_t> message);
  // One-line rendering (ovs-ofctl's), for logs.
  static std::string describe(std::span<const std::uint8_t> message);
};

}  // namespace neutrino::dataplane::openflow
