#include "agent/app/ovsdb_openflow_backend.hpp"

#include "agent/ovs/ovsdb_error.hpp"
#include "common/log.hpp"

namespace neutrino::agent {

namespace openflow = dataplane::openflow;

OvsdbOpenFlowBackend::OvsdbOpenFlowBackend(boost::asio::io_context& io, std::string ovsdb,
                                           std::string rundir, OvsEventHandler events)
    : io_(io), ovsdb_(std::move(ovsdb)), rundir_(std::move(rundir)), events_(std::move(events)) {}

OvsdbOpenFlowBackend::~OvsdbOpenFlowBackend() {
  openflow_.clear();
  session_.reset();
}

bool OvsdbOpenFlowBackend::connect() {
  if (session_ && session_->alive()) {
    return false;
  }
  // The switch's flows may be gone with ovsdb-server (a restarted OVS): new OpenFlow
  // sessions too, and the caller resynchronises everything.
  openflow_.clear();
  session_.reset();
  session_ = std::make_unique<OvsSession>(io_, ovsdb_, [this](bool lost) {
    events_(lost ? OvsEvent::kConnectionLost : OvsEvent::kInterfacesChanged);
  });
  log::info("connected to ovsdb-server at ", ovsdb_);
  return true;
}

ovs::BridgeManager& OvsdbOpenFlowBackend::bridges() {
  if (!session_ || !session_->alive()) {
    throw ovs::OvsdbConnectionError("not connected to ovsdb-server at " + ovsdb_);
  }
  return session_->bridges();
}

bool OvsdbOpenFlowBackend::ensure_bridge(const std::string& name, const ovs::BridgeSpec& spec) {
  return bridges().ensure_bridge(name, spec);
}

bool OvsdbOpenFlowBackend::ensure_port(const std::string& bridge, const ovs::PortSpec& spec) {
  return bridges().ensure_port(bridge, spec);
}

bool OvsdbOpenFlowBackend::delete_port(const std::string& bridge, const std::string& port) {
  return bridges().delete_port(bridge, port);
}

std::vector<ovs::PortInfo> OvsdbOpenFlowBackend::list_ports(const std::string& bridge) {
  return bridges().list_ports(bridge);
}

void OvsdbOpenFlowBackend::wait_applied() {
  bridges().wait_applied();
}

openflow::OpenFlowConnection& OvsdbOpenFlowBackend::openflow(const std::string& bridge) {
  auto& slot = openflow_[bridge];
  if (!slot || !slot->connected()) {
    slot.reset();
    // Throws while ovs-vswitchd is still starting; the slot stays empty and the next pass
    // tries again.
    slot = std::make_unique<openflow::OpenFlowConnection>(
        openflow::OpenFlowConnection::management_socket(rundir_, bridge));
    // A restarted ovs-vswitchd drops this session and, with the userspace datapath, every
    // flow: reported at once so the flows go back in without waiting for anything else.
    slot->set_close_handler(
        [events = events_](const std::string&) { events(OvsEvent::kConnectionLost); });
  }
  return *slot;
}

std::vector<std::string> OvsdbOpenFlowBackend::dump_flows(const std::string& bridge,
                                                          std::uint64_t cookie) {
  return openflow(bridge).dump_flows(cookie, ~0ULL);
}

void OvsdbOpenFlowBackend::apply_bundle(const std::string& bridge,
                                        const std::vector<openflow::FlowChange>& changes) {
  openflow(bridge).apply_bundle(changes);
}

void OvsdbOpenFlowBackend::delete_flows(const std::string& bridge, const std::string& match) {
  openflow(bridge).delete_flows(match);
}

void OvsdbOpenFlowBackend::packet_out(const std::string& bridge, const std::string& text) {
  openflow(bridge).packet_out(text);
}

void OvsdbOpenFlowBackend::flush_conntrack_zone(const std::string& bridge, std::uint16_t zone) {
  openflow(bridge).flush_conntrack_zone(zone);
}

void OvsdbOpenFlowBackend::flush_conntrack(const std::string& bridge, std::uint16_t zone,
                                           const std::string& orig_tuple) {
  openflow(bridge).flush_conntrack(zone, orig_tuple);
}

}  // namespace neutrino::agent
