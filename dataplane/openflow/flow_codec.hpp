#pragma once
// Flows in ovs-ofctl syntax <-> OpenFlow 1.3 messages, through libopenvswitch: the parser and
// printer are the ones ovs-ofctl and ovs-vswitchd use, so what we send is what OVS accepts and
// what we read back is spelled as `ovs-ofctl -O OpenFlow13 dump-flows --no-stats` spells it.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dataplane/openflow/flow_change.hpp"
#include "dataplane/openflow/message.hpp"

namespace neutrino::dataplane::openflow {

class FlowCodec {
 public:
  // All cookies / all tables, for dump and delete requests.
  static constexpr std::uint64_t kAnyCookie = 0;
  static constexpr std::uint8_t kAllTables = 0xff;

  // An OFPT_FLOW_MOD for `flow` ("table=0,priority=100,in_port=1,actions=resubmit(,1)",
  // "cookie=0x5,..." sets the cookie of an add; "cookie=0x5/-1" matches it for a delete).
  // Throws std::invalid_argument with OVS's parser message for bad syntax, or for a flow that
  // OpenFlow 1.3 cannot express.
  static Message encode_flow_mod(std::string_view flow, FlowChange::Kind kind, std::uint32_t xid);
  // Deletes every flow, in every table, whose cookie matches `cookie` under `cookie_mask`.
  static Message encode_delete_by_cookie(std::uint64_t cookie, std::uint64_t cookie_mask,
                                         std::uint32_t xid);
  // An OFPMP_FLOW request for every table; a zero mask asks for every cookie.
  static Message encode_flow_stats_request(std::uint64_t cookie, std::uint64_t cookie_mask,
                                           std::uint32_t xid);
  // Appends the flows of one OFPMP_FLOW reply message (a dump may span several) in canonical
  // form. Throws std::invalid_argument for a malformed reply.
  static void decode_flow_stats_reply(std::span<const std::uint8_t> reply,
                                      std::vector<std::string>& flows);
  // The canonical text of a flow to be added: exactly the string decode_flow_stats_reply()
  // yields once the switch holds the flow, so desired and installed flows compare as strings.
  // It goes through the OpenFlow 1.3 encoding, so whatever that normalises (field
  // prerequisites, action spellings) is normalised here too. Throws like encode_flow_mod().
  static std::string canonical(std::string_view flow);
};

}  // namespace neutrino::dataplane::openflow
