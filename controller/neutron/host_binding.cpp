#include "controller/neutron/host_binding.hpp"

namespace neutrino::neutron {

const std::set<std::string>& vnic_types() {
  static const std::set<std::string> types = {
      "normal",           "direct",    "macvtap", "baremetal",     "direct-physical",
      "virtio-forwarder", "smart-nic", "vdpa",    "remote-managed"};
  return types;
}

HostBinding bind_host(store::SqlSession& s, const agents::AgentService& agents,
                      const std::string& host) {
  if (host.empty()) {
    return {"unbound", Json::object()};
  }
  const auto agent = agents.alive_on_host(s, host);
  if (!agent) {
    return {"binding_failed", Json::object()};
  }
  const Json& config = (*agent)["configurations"];
  return {"ovs",
          {{"connectivity", "l2"},
           {"port_filter", true},
           {"ovs_hybrid_plug", false},
           {"bridge_name", config.value("integration_bridge", "br-int")},
           {"datapath_type", config.value("datapath_type", "system")}}};
}

}  // namespace neutrino::neutron
