#pragma once
// What the agent asks of Open vSwitch (specs) and what it reads back (infos), in the terms of
// the Open_vSwitch schema's Bridge, Port and Interface tables.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace neutrino::agent::ovs {

using StringMap = std::map<std::string, std::string>;

struct BridgeSpec {
  // "system" (kernel datapath) in production, "netdev" (userspace) where there is no module.
  std::string datapath_type = "system";
  // "secure": with no controller connected, forward nothing rather than act as a learning
  // switch between tenants. Empty leaves OVS's default ("standalone").
  std::string fail_mode = "secure";
  std::vector<std::string> protocols = {"OpenFlow13"};
  // Merged key by key: keys not named here (set by someone else) are left alone.
  StringMap other_config;
  StringMap external_ids;
};

struct PortSpec {
  std::string name;
  // "" (a system device such as a guest tap), "internal", "patch", "vxlan", "system", ...
  std::string type;
  // The interface's options, replaced as a whole (peer=..., remote_ip=..., key=flow, ...).
  StringMap options;
  // Set on the Interface, where the iface-id convention puts them; merged key by key.
  StringMap external_ids;
  // VLAN tag of an access port; nullopt makes it a trunk (no tag).
  std::optional<int64_t> tag;
};

struct InterfaceInfo {
  std::string uuid;
  std::string name;
  std::string type;
  StringMap options;
  StringMap external_ids;
  // Assigned by ovs-vswitchd once it has added the interface; -1 when that failed.
  std::optional<int64_t> ofport;
  std::string mac_in_use;
  std::string link_state;
  std::string error;
};

struct PortInfo {
  std::string uuid;
  std::string name;
  std::optional<int64_t> tag;
  StringMap external_ids;
  std::vector<InterfaceInfo> interfaces;
};

struct BridgeInfo {
  std::string uuid;
  std::string name;
  std::string datapath_type;
  std::string fail_mode;
  std::vector<std::string> protocols;
  StringMap other_config;
  StringMap external_ids;
};

}  // namespace neutrino::agent::ovs
