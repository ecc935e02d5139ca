#include "dataplane/openflow/message_codec.hpp"

#include <arpa/inet.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include <openflow/nicira-ext.h>
#include <openflow/openflow.h>
// ofp-errors.h first: the other OVS headers name `enum ofperr` undeclared, as only C allows.
#include <openvswitch/ofp-errors.h>

#include <openvswitch/dynamic-string.h>
#include <openvswitch/ofp-bundle.h>
#include <openvswitch/ofp-ct.h>
#include <openvswitch/ofp-msgs.h>
#include <openvswitch/ofp-packet.h>
#include <openvswitch/ofp-print.h>
#include <openvswitch/ofp-util.h>
#include <openvswitch/ofpbuf.h>

#include "dataplane/openflow/ovs_buffer.hpp"

namespace neutrino::dataplane::openflow {
namespace {

constexpr std::uint32_t kVersionBitmap = 1u << OFP13_VERSION;

const ofp_header* header_of(std::span<const std::uint8_t> message) {
  return reinterpret_cast<const ofp_header*>(message.data());
}

std::uint16_t read16(std::span<const std::uint8_t> bytes, std::size_t offset) {
  return static_cast<std::uint16_t>(bytes[offset] << 8 | bytes[offset + 1]);
}

// OpenFlow 1.3's names for the `type` of an OFPT_ERROR.
std::string error_type_name(std::uint16_t type) {
  static constexpr const char* kNames[] = {"OFPET_HELLO_FAILED",
                                           "OFPET_BAD_REQUEST",
                                           "OFPET_BAD_ACTION",
                                           "OFPET_BAD_INSTRUCTION",
                                           "OFPET_BAD_MATCH",
                                           "OFPET_FLOW_MOD_FAILED",
                                           "OFPET_GROUP_MOD_FAILED",
                                           "OFPET_PORT_MOD_FAILED",
                                           "OFPET_TABLE_MOD_FAILED",
                                           "OFPET_QUEUE_OP_FAILED",
                                           "OFPET_SWITCH_CONFIG_FAILED",
                                           "OFPET_ROLE_REQUEST_FAILED",
                                           "OFPET_METER_MOD_FAILED",
                                           "OFPET_TABLE_FEATURES_FAILED"};
  if (type < std::size(kNames)) {
    return kNames[type];
  }
  if (type == 0xffff) {
    return "OFPET_EXPERIMENTER";
  }
  if (type == NXET_VENDOR) {
    return "NXET_VENDOR";
  }
  return "OFPET_" + std::to_string(type);
}

}  // namespace

std::uint8_t MessageCodec::version(std::span<const std::uint8_t> bytes) {
  return bytes[0];
}

std::size_t MessageCodec::length(std::span<const std::uint8_t> bytes) {
  return read16(bytes, 2);
}

std::uint32_t MessageCodec::xid(std::span<const std::uint8_t> bytes) {
  std::uint32_t value;
  std::memcpy(&value, bytes.data() + 4, sizeof value);
  return ntohl(value);
}

MessageKind MessageCodec::kind(std::span<const std::uint8_t> message) {
  ofptype type;
  try {
    detail::check_decodable(message);
  } catch (const std::invalid_argument&) {
    return MessageKind::kOther;
  }
  if (ofptype_decode(&type, header_of(message))) {
    return MessageKind::kOther;
  }
  switch (type) {
    case OFPTYPE_HELLO:
      return MessageKind::kHello;
    case OFPTYPE_ERROR:
      return MessageKind::kError;
    case OFPTYPE_ECHO_REQUEST:
      return MessageKind::kEchoRequest;
    case OFPTYPE_ECHO_REPLY:
      return MessageKind::kEchoReply;
    case OFPTYPE_BARRIER_REPLY:
      return MessageKind::kBarrierReply;
    case OFPTYPE_BUNDLE_CONTROL:
      return MessageKind::kBundleControl;
    default:
      break;
  }
  ofpraw raw;
  if (!ofpraw_decode(&raw, header_of(message)) && ofpmsg_is_stat_reply(header_of(message))) {
    return MessageKind::kMultipartReply;
  }
  return MessageKind::kOther;
}

bool MessageCodec::more_follows(std::span<const std::uint8_t> message) {
  return kind(message) == MessageKind::kMultipartReply && ofpmp_more(header_of(message));
}

Message MessageCodec::hello(std::uint32_t xid) {
  return detail::take(ofputil_encode_hello(kVersionBitmap), xid);
}

std::optional<std::uint8_t> MessageCodec::negotiate(std::span<const std::uint8_t> peer_hello) {
  std::uint32_t peer_versions = 0;
  // A HELLO with elements we do not understand still carries its header version (OpenFlow
  // says to ignore unknown elements), so the result is used either way.
  (void)ofputil_decode_hello(header_of(peer_hello), &peer_versions);
  const std::uint32_t common = peer_versions & kVersionBitmap;
  if (!common) {
    return std::nullopt;
  }
  // The highest common version.
  return static_cast<std::uint8_t>(31 - __builtin_clz(common));
}

Message MessageCodec::hello_failed(std::uint8_t version, std::string_view reason,
                                   std::uint32_t xid) {
  const std::string text(reason);
  return detail::take(ofperr_encode_hello(OFPERR_OFPHFC_INCOMPATIBLE,
                                          static_cast<ofp_version>(version), text.c_str()),
                      xid);
}

OpenFlowError MessageCodec::incompatible(std::span<const std::uint8_t> peer_hello) {
  std::uint32_t peer_versions = 0;
  (void)ofputil_decode_hello(header_of(peer_hello), &peer_versions);
  char bitmap[16];
  std::snprintf(bitmap, sizeof bitmap, "0x%x", peer_versions);
  return OpenFlowError("OFPET_HELLO_FAILED", ofperr_get_name(OFPERR_OFPHFC_INCOMPATIBLE),
                       std::string("we speak OpenFlow 1.3 only (version bitmap 0x10), the switch "
                                   "offers version bitmap ") +
                           bitmap,
                       /*type=OFPET_HELLO_FAILED*/ 0, /*code=OFPHFC_INCOMPATIBLE*/ 0,
                       xid(peer_hello));
}

Message MessageCodec::echo_request(std::uint32_t xid) {
  return detail::take(ofputil_encode_echo_request(OFP13_VERSION), xid);
}

Message MessageCodec::echo_reply(std::span<const std::uint8_t> request) {
  detail::check_decodable(request);
  // The reply carries the request's xid and payload, which take() preserves.
  return detail::take(ofputil_encode_echo_reply(header_of(request)), xid(request));
}

Message MessageCodec::barrier_request(std::uint32_t xid) {
  return detail::take(ofputil_encode_barrier_request(OFP13_VERSION), xid);
}

Message MessageCodec::ct_flush_zone(std::uint16_t zone, std::uint32_t xid) {
  ofpbuf* message = ofpraw_alloc(OFPRAW_NXT_CT_FLUSH_ZONE, OFP13_VERSION, 0);
  auto* body = static_cast<nx_zone_id*>(ofpbuf_put_zeros(message, sizeof(nx_zone_id)));
  body->zone_id = htons(zone);
  return detail::take(message, xid);
}

Message MessageCodec::ct_flush(std::uint16_t zone, const std::string& orig_tuple,
                               std::uint32_t xid) {
  ofp_ct_match match{};
  ds error = DS_EMPTY_INITIALIZER;
  if (!ofp_ct_tuple_parse(&match.tuple_orig, orig_tuple.c_str(), &error, &match.ip_proto,
                          &match.l3_type)) {
    const std::string reason = ds_cstr(&error);
    ds_destroy(&error);
    throw std::invalid_argument("conntrack tuple \"" + orig_tuple + "\": " + reason);
  }
  ds_destroy(&error);
  return detail::take(ofp_ct_match_encode(&match, &zone, OFP13_VERSION), xid);
}

Message MessageCodec::packet_out(const std::string& text, std::uint32_t xid) {
  ofputil_packet_out packet_out{};
  ofputil_protocol usable{};  // set by the parser
  if (char* error =
          parse_ofp_packet_out_str(&packet_out, text.c_str(), nullptr, nullptr, &usable)) {
    const std::string reason = error;
    free(error);
    throw std::invalid_argument("packet-out \"" + text + "\": " + reason);
  }
  ofpbuf* message = ofputil_encode_packet_out(&packet_out, OFPUTIL_P_OF13_OXM);
  free(const_cast<void*>(packet_out.packet));
  free(packet_out.ofpacts);
  return detail::take(message, xid);
}

Message MessageCodec::bundle_control(std::uint32_t bundle_id, BundleOperation operation,
                                     std::uint16_t flags, std::uint32_t xid) {
  ofputil_bundle_ctrl_msg control{};
  control.bundle_id = bundle_id;
  control.type = static_cast<std::uint16_t>(operation);
  control.flags = flags;
  return detail::take(ofputil_encode_bundle_ctrl_request(OFP13_VERSION, &control), xid);
}

Message MessageCodec::bundle_add(std::uint32_t bundle_id, std::uint16_t flags,
                                 std::span<const std::uint8_t> inner) {
  detail::check_decodable(inner);
  ofputil_bundle_add_msg add{};
  add.bundle_id = bundle_id;
  add.flags = flags;
  add.msg = header_of(inner);
  return detail::take(ofputil_encode_bundle_add(OFP13_VERSION, &add), xid(inner));
}

bool MessageCodec::is_bundle_reply(std::span<const std::uint8_t> message, std::uint32_t bundle_id,
                                   BundleOperation operation) {
  if (kind(message) != MessageKind::kBundleControl) {
    return false;
  }
  ofputil_bundle_ctrl_msg control{};
  if (ofputil_decode_bundle_ctrl(header_of(message), &control)) {
    return false;
  }
  return control.bundle_id == bundle_id &&
         control.type == static_cast<std::uint16_t>(operation) + 1;
}

OpenFlowError MessageCodec::decode_error(std::span<const std::uint8_t> message) {
  const std::uint32_t id = xid(message);
  // The wire type/code, for the type name and for errors libopenvswitch does not know.
  const std::uint16_t type = message.size() >= 12 ? read16(message, 8) : 0xffff;
  const std::uint16_t code = message.size() >= 12 ? read16(message, 10) : 0xffff;
  ofperr error = static_cast<ofperr>(0);
  if (kind(message) == MessageKind::kError) {
    error = ofperr_decode_msg(header_of(message), nullptr);
  }
  if (!error) {
    return OpenFlowError(error_type_name(type), "code " + std::to_string(code),
                         "error unknown to libopenvswitch", type, code, id);
  }
  return OpenFlowError(error_type_name(type), ofperr_get_name(error), ofperr_get_description(error),
                       type, code, id);
}

std::string MessageCodec::describe(std::span<const std::uint8_t> message) {
  char* text = ofp_to_string(message.data(), message.size(), nullptr, nullptr, 1);
  std::string result(text);
  std::free(text);
  while (!result.empty() && (result.back() == '\n' || result.back() == ' ')) {
    result.pop_back();
  }
  return result;
}

}  // namespace neutrino::dataplane::openflow
