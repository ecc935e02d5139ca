#pragma once
// ofproto/trace of one packet through a sandbox's bridges, reduced to where it leaves the
// switch: the datapath actions ovs-vswitchd would run, with datapath port numbers turned back
// into interface names and VLAN pushes/pops and VXLAN encapsulations followed along.
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "tests/support/ovs_sandbox.hpp"

namespace neutrino::dataplane::pipeline {

struct TracedOutput {
  std::string port;                  // interface name
  std::optional<int> vlan;           // the outer 802.1Q VID it leaves with, if tagged
  std::optional<std::uint64_t> vni;  // VXLAN ports: the VNI and peer it is encapsulated for
  std::string tunnel_dst;

  friend bool operator==(const TracedOutput&, const TracedOutput&) = default;
  friend std::ostream& operator<<(std::ostream& out, const TracedOutput& o);
};

class PacketTrace {
 public:
  // `flow` in ofproto/trace syntax ("in_port=1,dl_src=...,dl_dst=...").
  PacketTrace(const testing::OvsSandbox& sandbox, const std::string& bridge,
              const std::string& flow);

  const std::string& text() const { return text_; }
  // The packet as the first bridge's last action left it (for in-place rewrites: ARP replies).
  const std::string& final_flow() const { return final_flow_; }
  // Every copy that leaves the switch, in datapath order; the underlay frames that carry a
  // VXLAN packet are not listed separately.
  const std::vector<TracedOutput>& outputs() const { return outputs_; }
  // The interface names of outputs(), sorted.
  std::vector<std::string> ports() const;

 private:
  struct State {
    std::vector<int> vlans;  // outermost last
    bool encapsulated = false;
  };
  void parse_actions(const std::string& actions, State state);

  std::string text_;
  std::string final_flow_;
  std::vector<std::pair<int, std::string>> odp_ports_;
  std::vector<std::pair<std::string, std::string>> tunnels_;  // remote_ip, interface
  std::vector<TracedOutput> outputs_;
};

}  // namespace neutrino::dataplane::pipeline
