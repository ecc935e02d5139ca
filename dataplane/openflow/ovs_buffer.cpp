#include "dataplane/openflow/ovs_buffer.hpp"

#include <arpa/inet.h>

#include <cstring>
#include <stdexcept>
#include <string>

#include <openflow/openflow.h>
// ofp-errors.h first: the other OVS headers name `enum ofperr` undeclared, as only C allows.
#include <openvswitch/ofp-errors.h>

#include <openvswitch/ofp-msgs.h>
#include <openvswitch/ofpbuf.h>

namespace neutrino::dataplane::openflow::detail {

Message take(ofpbuf* buffer, std::uint32_t xid) {
  ofpmsg_update_length(buffer);
  auto* header = static_cast<ofp_header*>(buffer->data);
  header->xid = htonl(xid);
  const auto* bytes = static_cast<const std::uint8_t*>(buffer->data);
  Message message(bytes, bytes + buffer->size);
  ofpbuf_delete(buffer);
  return message;
}

void check_decodable(std::span<const std::uint8_t> message) {
  if (message.size() < sizeof(ofp_header)) {
    throw std::invalid_argument("OpenFlow message shorter than its header");
  }
  ofp_header header;
  std::memcpy(&header, message.data(), sizeof header);
  if (ntohs(header.length) != message.size()) {
    throw std::invalid_argument("OpenFlow message length does not match its header");
  }
  // ofpraw_decode() reads past the fixed header (stats/experimenter subtypes), so it gets the
  // whole message, not the copy.
  ofpraw raw;
  if (ofperr error = ofpraw_decode(&raw, reinterpret_cast<const ofp_header*>(message.data()))) {
    throw std::invalid_argument(std::string("undecodable OpenFlow message: ") +
                                ofperr_get_name(error));
  }
}

}  // namespace neutrino::dataplane::openflow::detail
