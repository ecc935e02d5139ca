#pragma once
// An OpenFlow 1.3 client session with one bridge, over the bridge's management socket
// (ovs-vswitchd listens on unix:<OVS_RUNDIR>/<bridge>.mgmt as a passive OpenFlow server, the
// socket ovs-ofctl talks to).
//
// The session runs on a thread of its own, which answers the switch's echo requests and
// matches replies to requests by xid, so the session stays up however long the caller is busy.
// The calls below block until the switch has answered (a barrier for flow changes, so the
// switch has applied them) and must not be made from a handler this class calls.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dataplane/openflow/flow_change.hpp"

namespace neutrino::dataplane::openflow {

class Session;

class OpenFlowConnection {
 public:
  struct Options {
    // How long the HELLO exchange and each request may wait for the switch.
    std::chrono::milliseconds timeout{std::chrono::seconds(10)};
  };
  // A message the switch sent unasked (packet-in, port-status, flow-removed...), whole, header
  // included. Called on the session's thread.
  using UnsolicitedHandler = std::function<void(std::span<const std::uint8_t> message)>;

  // "<rundir>/<bridge>.mgmt", where ovs-vswitchd puts a bridge's management socket.
  static std::string management_socket(std::string_view rundir, std::string_view bridge);

  // Connects to `target` ("unix:/var/run/openvswitch/br-int.mgmt", or just the path) and
  // negotiates OpenFlow 1.3. Throws ConnectionError when the socket cannot be reached or
  // answers nothing in time, OpenFlowError (OFPHFC_INCOMPATIBLE) when the switch does not
  // allow OpenFlow 1.3 (the bridge's `protocols`).
  explicit OpenFlowConnection(std::string_view target, Options options);
  explicit OpenFlowConnection(std::string_view target);
  ~OpenFlowConnection();
  OpenFlowConnection(const OpenFlowConnection&) = delete;
  OpenFlowConnection& operator=(const OpenFlowConnection&) = delete;

  // The negotiated version (0x04).
  std::uint8_t version() const;
  // False once the switch hung up or the session failed; every call then throws
  // ConnectionError and the owner should reconnect and resynchronise.
  bool connected() const;
  void set_unsolicited_handler(UnsolicitedHandler handler);
  // Runs once, on the session's thread, when the switch hangs up or the session fails (not
  // when this object is destroyed); at once when that happened already. Lets the owner
  // resynchronise on the event instead of polling connected().
  void set_close_handler(std::function<void(const std::string& reason)> handler);

  // Flows in ovs-ofctl syntax. Each change is applied on its own, in order: on an error the
  // others still apply, and the first error the switch sent is thrown as an OpenFlowError
  // naming the offending flow. Syntax errors throw std::invalid_argument before anything is
  // sent.
  void add_flows(const std::vector<std::string>& flows);
  void apply(const std::vector<FlowChange>& changes);
  // All or nothing, in order: the changes go into one atomic, ordered bundle (OpenFlow 1.4
  // bundles, ONF extension 230 in 1.3) that is committed only when the switch accepted every
  // message of it. Throws OpenFlowError (the offending change's error) and leaves the tables
  // exactly as they were when any change is refused, at add or at commit time.
  void apply_bundle(const std::vector<FlowChange>& changes);
  // Non-strict delete of every flow matching `match` ("table=0,in_port=1"; no table: all).
  void delete_flows(std::string_view match);
  // Deletes the flows of every table whose cookie matches `cookie` under `cookie_mask`.
  void delete_flows_by_cookie(std::uint64_t cookie, std::uint64_t cookie_mask = ~0ull);
  // The flows of every table whose cookie matches (a zero mask: all flows), in the canonical
  // form of FlowCodec::canonical(), in the switch's order.
  std::vector<std::string> dump_flows(std::uint64_t cookie = 0, std::uint64_t cookie_mask = 0);

  // Returns once the switch has processed everything sent before.
  void barrier();
  // Forgets the connections ovs-vswitchd tracks in conntrack zone `zone`; returns once done.
  void flush_conntrack_zone(std::uint16_t zone);
  // Forgets the connections of `zone` whose original direction matches `orig_tuple`
  // ("ct_nw_src=10.0.0.5", see MessageCodec::ct_flush); returns once done.
  void flush_conntrack(std::uint16_t zone, const std::string& orig_tuple);
  // Sends a packet ("in_port=controller,packet=<hex>,actions=output:3", ovs-ofctl's
  // packet-out syntax); returns once the switch has processed it.
  void packet_out(const std::string& text);
  // Sends an echo request and returns the round trip time.
  std::chrono::microseconds echo();
  // How many echo requests of the switch the session answered (its liveness probes).
  std::uint64_t echo_requests_answered() const;

 private:
  std::unique_ptr<Session> session_;
};

}  // namespace neutrino::dataplane::openflow
