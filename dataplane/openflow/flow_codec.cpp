#include "dataplane/openflow/flow_codec.hpp"

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include <openflow/openflow.h>
// ofp-errors.h first: the other OVS headers name `enum ofperr` undeclared, as only C allows.
#include <openvswitch/ofp-errors.h>

#include <openvswitch/dynamic-string.h>
#include <openvswitch/match.h>
#include <openvswitch/ofp-flow.h>
#include <openvswitch/ofp-msgs.h>
#include <openvswitch/ofp-port.h>
#include <openvswitch/ofp-protocol.h>
#include <openvswitch/ofpbuf.h>

#include "dataplane/openflow/ovs_buffer.hpp"

namespace neutrino::dataplane::openflow {
namespace {

// Everything we send is OpenFlow 1.3 with OXM matches; Nicira extensions (resubmit, learn,
// ct, ...) travel as OpenFlow 1.3 experimenter actions/fields.
constexpr ofputil_protocol kProtocol = OFPUTIL_P_OF13_OXM;

int command_of(FlowChange::Kind kind) {
  switch (kind) {
    case FlowChange::Kind::kAdd:
      return OFPFC_ADD;
    case FlowChange::Kind::kModify:
      return OFPFC_MODIFY;
    case FlowChange::Kind::kModifyStrict:
      return OFPFC_MODIFY_STRICT;
    case FlowChange::Kind::kDelete:
      return OFPFC_DELETE;
    case FlowChange::Kind::kDeleteStrict:
      return OFPFC_DELETE_STRICT;
  }
  throw std::invalid_argument("unknown flow change kind");
}

// Takes ownership of a malloc()'d libopenvswitch error string.
[[noreturn]] void throw_parse_error(std::string_view text, char* error) {
  std::string message = "invalid flow \"" + std::string(text) + "\": " + error;
  std::free(error);
  throw std::invalid_argument(message);
}

// A flow_mod parsed from ovs-ofctl syntax, freed on scope exit.
class ParsedFlowMod {
 public:
  ParsedFlowMod(std::string_view text, int command) {
    ofputil_protocol usable;
    const std::string copy(text);
    if (char* error =
            parse_ofp_flow_mod_str(&fm_, copy.c_str(), nullptr, nullptr, command, &usable)) {
      throw_parse_error(text, error);
    }
    if (!(usable & kProtocol)) {
      destroy();
      throw std::invalid_argument("flow \"" + copy + "\" cannot be expressed in OpenFlow 1.3");
    }
  }
  ~ParsedFlowMod() { destroy(); }
  ParsedFlowMod(const ParsedFlowMod&) = delete;
  ParsedFlowMod& operator=(const ParsedFlowMod&) = delete;

  const ofputil_flow_mod* get() const { return &fm_; }

 private:
  void destroy() {
    minimatch_destroy(&fm_.match);
    std::free(fm_.ofpacts);
    fm_.ofpacts = nullptr;
  }

  ofputil_flow_mod fm_{};
};

// An ofpbuf for decoded actions: freed on scope exit.
class ActionsBuffer {
 public:
  ActionsBuffer() { ofpbuf_init(&buffer_, 256); }
  ~ActionsBuffer() { ofpbuf_uninit(&buffer_); }
  ActionsBuffer(const ActionsBuffer&) = delete;
  ActionsBuffer& operator=(const ActionsBuffer&) = delete;

  ofpbuf* get() { return &buffer_; }

 private:
  ofpbuf buffer_;
};

// ovs-ofctl's --no-stats dump format: no duration/counters, so the text of a flow does not
// change while it forwards packets.
std::string format(const ofputil_flow_stats& stats) {
  ds text = DS_EMPTY_INITIALIZER;
  ofputil_flow_stats_format(&text, &stats, nullptr, nullptr, false);
  std::string result(ds_cstr(&text), text.length);
  ds_destroy(&text);
  return result;
}

std::string cookie_match(std::uint64_t cookie, std::uint64_t cookie_mask) {
  char text[64];
  std::snprintf(text, sizeof text, "cookie=0x%" PRIx64 "/0x%" PRIx64, cookie, cookie_mask);
  return text;
}

}  // namespace

Message FlowCodec::encode_flow_mod(std::string_view flow, FlowChange::Kind kind,
                                   std::uint32_t xid) {
  ParsedFlowMod fm(flow, command_of(kind));
  return detail::take(ofputil_encode_flow_mod(fm.get(), kProtocol), xid);
}

Message FlowCodec::encode_delete_by_cookie(std::uint64_t cookie, std::uint64_t cookie_mask,
                                           std::uint32_t xid) {
  // A delete with no table matches every table; without a mask it would delete everything.
  return encode_flow_mod(cookie_match(cookie, cookie_mask), FlowChange::Kind::kDelete, xid);
}

Message FlowCodec::encode_flow_stats_request(std::uint64_t cookie, std::uint64_t cookie_mask,
                                             std::uint32_t xid) {
  const std::string text = cookie_mask ? cookie_match(cookie, cookie_mask) : std::string();
  ofputil_flow_stats_request request;
  ofputil_protocol usable;
  if (char* error = parse_ofp_flow_stats_request_str(&request, false, text.c_str(), nullptr,
                                                     nullptr, &usable)) {
    throw_parse_error(text, error);
  }
  return detail::take(ofputil_encode_flow_stats_request(&request, kProtocol), xid);
}

void FlowCodec::decode_flow_stats_reply(std::span<const std::uint8_t> reply,
                                        std::vector<std::string>& flows) {
  detail::check_decodable(reply);
  const auto* header = reinterpret_cast<const ofp_header*>(reply.data());
  ofptype type;
  if (ofptype_decode(&type, header) || type != OFPTYPE_FLOW_STATS_REPLY) {
    throw std::invalid_argument("not a flow stats reply");
  }
  ofpbuf message = ofpbuf_const_initializer(reply.data(), reply.size());
  ActionsBuffer actions;
  for (;;) {
    ofputil_flow_stats stats;
    const int status = ofputil_decode_flow_stats_reply(&stats, &message, false, actions.get());
    if (status == EOF) {
      return;
    }
    if (status != 0) {
      throw std::invalid_argument(std::string("malformed flow stats reply: ") +
                                  ofperr_to_string(static_cast<ofperr>(status)));
    }
    flows.push_back(format(stats));
  }
}

std::string FlowCodec::canonical(std::string_view flow) {
  // Through the wire format and back, as the switch sees it: the match the switch stores and
  // reports is the decoded OpenFlow 1.3 match, not the parser's.
  const Message wire = encode_flow_mod(flow, FlowChange::Kind::kAdd, 0);
  ofputil_flow_mod fm;
  ActionsBuffer actions;
  const ofperr error =
      ofputil_decode_flow_mod(&fm, reinterpret_cast<const ofp_header*>(wire.data()), kProtocol,
                              nullptr, nullptr, actions.get(), OFPP_MAX, 255);
  if (error) {
    throw std::invalid_argument("invalid flow \"" + std::string(flow) +
                                "\": " + ofperr_to_string(error));
  }

  // What ofproto keeps of a flow_mod and reports in a flow stats reply.
  ofputil_flow_stats stats{};
  minimatch_expand(&fm.match, &stats.match);
  stats.cookie = fm.new_cookie;
  stats.table_id = fm.table_id;
  stats.priority = static_cast<std::uint16_t>(fm.priority);
  stats.idle_timeout = fm.idle_timeout;
  stats.hard_timeout = fm.hard_timeout;
  stats.idle_age = -1;
  stats.hard_age = -1;
  stats.packet_count = UINT64_MAX;
  stats.byte_count = UINT64_MAX;
  stats.ofpacts = fm.ofpacts;
  stats.ofpacts_len = fm.ofpacts_len;
  stats.flags = static_cast<ofputil_flow_mod_flags>(fm.flags & OFPUTIL_FF_STATE);
  stats.importance = fm.importance;
  std::string text = format(stats);
  minimatch_destroy(&fm.match);
  return text;
}

}  // namespace neutrino::dataplane::openflow
