#pragma once
// Bridges and tunnels: the integration and tunnel bridges with the patch ports between them,
// one bridge per physical network mapping, and one VXLAN port per peer host whose tunnel IP
// the desired state names (its remote ports). Tunnels are recomputed only when a peer
// changed or on a full pass; the ofports are handed to the flows part.
#include <map>
#include <optional>
#include <string>

#include "agent/app/agent_config.hpp"
#include "agent/app/ovs_backend.hpp"
#include "agent/app/reconciler_part.hpp"

namespace neutrino::agent {

class BridgesTunnelsPart : public ReconcilerPart {
 public:
  BridgesTunnelsPart(const AgentConfig& config, OvsBackend& ovs) : config_(config), ovs_(ovs) {}

  std::string_view name() const override { return "bridges and tunnels"; }
  void prepare() override { ensure_bridges(); }
  void reconcile(const DesiredState& desired, const StateChanges& changes,
                 PassResults& results) override;

  // "vxlan-c0a8fa02": unique per remote IP and within the 15-character interface limit.
  static std::string tunnel_port_name(const std::string& remote_ip);
  static std::string int_patch(const std::string& bridge);
  static std::string phy_patch(const std::string& bridge);

 private:
  void ensure_bridges();
  void ensure_tunnels(const model::HostModel& desired);
  void read_patch_ports();

  const AgentConfig& config_;
  OvsBackend& ovs_;
  // What the last full or tunnel pass found, handed on until the next one.
  std::optional<std::uint32_t> patch_tun_;
  std::optional<std::uint32_t> patch_int_;
  std::map<std::string, std::uint32_t> tunnel_ports_;
  bool tunnels_incomplete_ = false;  // a wanted tunnel had no ofport yet
  std::map<std::string, dataplane::pipeline::PhysnetWiring> physnets_;
};

}  // namespace neutrino::agent
