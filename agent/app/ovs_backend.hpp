#pragma once
// What the reconciler asks of Open vSwitch, in one seam: bridges, ports and interfaces through
// OVSDB, flows and conntrack through OpenFlow. OvsdbOpenFlowBackend is the real one; tests of
// the reconciler parts run that one against a private OVS (tests/support/ovs_sandbox.hpp).
//
// What happens on the switch side is reported, not polled: the implementation calls the
// handler it was given when a guest interface appears, changes or goes, and when a connection
// to ovsdb-server or to a bridge's OpenFlow socket is lost (everything is then resynchronised).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "agent/ovs/bridge_types.hpp"
#include "dataplane/openflow/flow_change.hpp"

namespace neutrino::agent {

enum class OvsEvent {
  kInterfacesChanged,  // a guest interface (external_ids:iface-id) appeared, changed or went
  kConnectionLost,     // ovsdb-server or a bridge's OpenFlow session went away
};
using OvsEventHandler = std::function<void(OvsEvent event)>;

class OvsBackend {
 public:
  virtual ~OvsBackend() = default;

  // Connects to ovsdb-server unless connected. Returns true when it connected now: OVS may
  // have changed meanwhile, a full resync is due. Throws when ovsdb-server is unreachable.
  virtual bool connect() = 0;

  // OVSDB, with BridgeManager's semantics (intent: each call changes only the difference).
  virtual bool ensure_bridge(const std::string& name, const ovs::BridgeSpec& spec) = 0;
  virtual bool ensure_port(const std::string& bridge, const ovs::PortSpec& spec) = 0;
  virtual bool delete_port(const std::string& bridge, const std::string& port) = 0;
  virtual std::vector<ovs::PortInfo> list_ports(const std::string& bridge) = 0;
  // Returns once ovs-vswitchd has applied every change committed so far.
  virtual void wait_applied() = 0;

  // OpenFlow on one bridge. Throws while the bridge's socket cannot be reached.
  virtual std::vector<std::string> dump_flows(const std::string& bridge, std::uint64_t cookie) = 0;
  // Atomically: all changes or none.
  virtual void apply_bundle(const std::string& bridge,
                            const std::vector<dataplane::openflow::FlowChange>& changes) = 0;
  // Non-strict delete of the flows matching `match` ("table=49,reg6=5"), whatever their cookie.
  virtual void delete_flows(const std::string& bridge, const std::string& match) = 0;
  virtual void flush_conntrack_zone(const std::string& bridge, std::uint16_t zone) = 0;
  // Sends one packet (ovs-ofctl's packet-out syntax) from the bridge.
  virtual void packet_out(const std::string& bridge, const std::string& text) = 0;
  virtual void flush_conntrack(const std::string& bridge, std::uint16_t zone,
                               const std::string& orig_tuple) = 0;
};

}  // namespace neutrino::agent
