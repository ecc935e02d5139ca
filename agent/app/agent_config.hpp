#pragma once
// The agent's settings, from flags or an INI file given with --config (flags win), with the
// names Neutron's Open vSwitch agent uses in the file ([ovs] integration_bridge,
// bridge_mappings, local_ip, datapath_type; [securitygroup] firewall_driver; [DEFAULT] host).
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "agent/channel/controller_address.hpp"
#include "common/token_bucket.hpp"

namespace neutrino::agent {

class AgentConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct AgentConfig {
  // The agent channels of every controller of the cloud (--controller a:9697,b:9697); the
  // agent keeps one session at a time and fails over along the list (ControllerFailover).
  std::vector<ControllerAddress> controllers = {{"127.0.0.1", 9697}};
  std::string host;       // this hypervisor's name, as ports' binding:host_id name it
  std::string tunnel_ip;  // where other hosts reach this one's VXLAN endpoint
  std::string ovsdb = "unix:/var/run/openvswitch/db.sock";
  std::string ovs_rundir = "/var/run/openvswitch";  // where <bridge>.mgmt sockets live
  std::string datapath_type = "system";
  std::map<std::string, std::string> bridge_mappings;  // physnet -> bridge
  std::string state_dir = "/var/lib/neutrino-agent";
  std::string agent_secret;
  // The controller's metadata service, where the 169.254.169.254 proxies forward; empty host:
  // no metadata proxy.
  std::string metadata_host;
  uint16_t metadata_port = 8775;
  std::string metadata_secret;
  // Set: connect with TLS and accept only a controller certificate issued by this CA for
  // the controller's host name as listed. tls_cert_file + tls_key_file: also present them (mutual
  // TLS).
  std::string controller_ca_file;
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string integration_bridge = "br-int";
  std::string tunnel_bridge = "br-tun";
  // Neutron's [securitygroup] firewall_driver: "openvswitch" enforces security groups with
  // conntrack; "noop" does not (anti-spoofing stays), for clouds that filter elsewhere.
  std::string firewall_driver = "openvswitch";
  std::string log_level = "info";
  // What each guest may ask of the shared services (docs/metadata.md, "Limits"): metadata
  // requests per (network, address), DHCP requests per port. Raised only to measure the
  // services' own capacity (bench/), never to serve hostile guests.
  RateLimit metadata_rate{.per_second = 10, .burst = 20};
  RateLimit dhcp_rate{.per_second = 4, .burst = 16};
  bool show_help = false;

  // Compute (contract §1): run guests through libvirt and report capacity in the hello.
  bool compute_enabled = false;
  std::string instances_path = "/var/lib/neutrino-agent/instances";
  std::string libvirt_uri = "qemu:///system";
  std::string virt_type = "auto";  // kvm when usable, else qemu (TCG)
  std::string image_service;       // "http://HOST:PORT/image" (Glance's api_servers)
  std::string availability_zone = "nova";
  int64_t compute_vcpus = -1;  // -1: from the host
  int64_t compute_memory_mb = -1;
  int64_t compute_disk_gb = -1;
  int shutdown_timeout = 60;  // seconds a guest gets to power off before it is destroyed
};

using AgentEnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// Throws AgentConfigError with a message naming the bad flag or value.
AgentConfig parse_agent_config(const std::vector<std::string>& args, const AgentEnvLookup& env);
std::string agent_usage();

}  // namespace neutrino::agent
