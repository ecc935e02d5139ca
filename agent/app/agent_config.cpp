#include "agent/app/agent_config.hpp"

#include <arpa/inet.h>

#include <sstream>

#include "common/ini_config.hpp"

namespace neutrino::agent {
namespace {

struct Option {
  const char* flag;
  const char* ini_key;
  const char* help;
  void (*apply)(AgentConfig&, const std::string&);
};

void set_controllers(AgentConfig& c, const std::string& v) {
  try {
    c.controllers = parse_controller_list(v);
  } catch (const std::invalid_argument& e) {
    throw AgentConfigError(std::string("--controller ") + e.what());
  }
}

void set_tunnel_ip(AgentConfig& c, const std::string& v) {
  in_addr parsed{};
  if (inet_pton(AF_INET, v.c_str(), &parsed) != 1) {
    throw AgentConfigError("--tunnel-ip must be an IPv4 address, not '" + v + "'");
  }
  c.tunnel_ip = v;
}

void set_datapath(AgentConfig& c, const std::string& v) {
  if (v != "netdev" && v != "system") {
    throw AgentConfigError("--datapath-type must be netdev or system, not '" + v + "'");
  }
  c.datapath_type = v;
}

void set_firewall_driver(AgentConfig& c, const std::string& v) {
  if (v != "openvswitch" && v != "noop") {
    throw AgentConfigError("--firewall-driver must be openvswitch or noop, not '" + v + "'");
  }
  c.firewall_driver = v;
}

void set_mappings(AgentConfig& c, const std::string& v) {
  c.bridge_mappings.clear();
  std::stringstream in(v);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (item.empty()) {
      continue;
    }
    const size_t colon = item.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == item.size()) {
      throw AgentConfigError("--bridge-mappings entries are physnet:bridge, not '" + item + "'");
    }
    const std::string bridge = item.substr(colon + 1);
    if (bridge.size() > 15) {
      throw AgentConfigError("bridge name '" + bridge + "' is longer than 15 characters");
    }
    c.bridge_mappings[item.substr(0, colon)] = bridge;
  }
}

bool parse_bool(const std::string& flag, const std::string& v) {
  if (v == "true" || v == "True" || v == "1" || v == "yes") {
    return true;
  }
  if (v == "false" || v == "False" || v == "0" || v == "no") {
    return false;
  }
  throw AgentConfigError(flag + " must be true or false, not '" + v + "'");
}

int64_t parse_count(const std::string& flag, const std::string& v, int64_t low) {
  try {
    size_t used = 0;
    const int64_t n = std::stoll(v, &used);
    if (used != v.size() || n < low) {
      throw std::out_of_range(flag);
    }
    return n;
  } catch (const std::exception&) {
    throw AgentConfigError(flag + " must be an integer of at least " + std::to_string(low) +
                           ", not '" + v + "'");
  }
}

void set_virt_type(AgentConfig& c, const std::string& v) {
  if (v != "auto" && v != "kvm" && v != "qemu") {
    throw AgentConfigError("--virt-type must be auto, kvm or qemu, not '" + v + "'");
  }
  c.virt_type = v;
}

// Flags that may stand alone ("--compute" means "--compute=true").
bool is_switch(const std::string& flag) {
  return flag == "--compute";
}

const std::vector<Option>& compute_options() {
  static const std::vector<Option> list = {
      {"--compute", "compute.enabled", "run guests through libvirt (a nova-compute host)",
       [](AgentConfig& c, const std::string& v) {
         c.compute_enabled = parse_bool("--compute", v);
       }},
      {"--instances-path", "DEFAULT.instances_path",
       "instance directories and the _base image cache (/var/lib/neutrino-agent/instances)",
       [](AgentConfig& c, const std::string& v) { c.instances_path = v; }},
      {"--libvirt-uri", "libvirt.connection_uri", "libvirt connection (qemu:///system)",
       [](AgentConfig& c, const std::string& v) { c.libvirt_uri = v; }},
      {"--virt-type", "libvirt.virt_type", "auto (kvm when usable, else qemu), kvm or qemu",
       set_virt_type},
      {"--image-service", "glance.api_servers",
       "the controller's image endpoint, http://HOST:PORT/image",
       [](AgentConfig& c, const std::string& v) { c.image_service = v; }},
      {"--availability-zone", "compute.availability_zone", "this host's zone (nova)",
       [](AgentConfig& c, const std::string& v) { c.availability_zone = v; }},
      {"--compute-vcpus", "compute.vcpus", "vCPUs to offer instead of the host's",
       [](AgentConfig& c, const std::string& v) {
         c.compute_vcpus = parse_count("--compute-vcpus", v, 1);
       }},
      {"--compute-memory-mb", "compute.memory_mb", "MiB of RAM to offer instead of the host's",
       [](AgentConfig& c, const std::string& v) {
         c.compute_memory_mb = parse_count("--compute-memory-mb", v, 1);
       }},
      {"--compute-disk-gb", "compute.disk_gb", "GiB of disk to offer instead of the host's",
       [](AgentConfig& c, const std::string& v) {
         c.compute_disk_gb = parse_count("--compute-disk-gb", v, 1);
       }},
      {"--shutdown-timeout", "DEFAULT.shutdown_timeout",
       "seconds a guest gets to power off (ACPI) before it is destroyed (60)",
       [](AgentConfig& c, const std::string& v) {
         c.shutdown_timeout = static_cast<int>(parse_count("--shutdown-timeout", v, 0));
       }},
  };
  return list;
}

const std::vector<Option>& network_options() {
  static const std::vector<Option> list = {
      {"--controller", "DEFAULT.controller",
       "HOST:PORT[,HOST:PORT...] of the controllers' agent channels (one session at a time; "
       "fails over to the next)",
       set_controllers},
      {"--host", "DEFAULT.host", "this hypervisor's name (ports' binding:host_id)",
       [](AgentConfig& c, const std::string& v) { c.host = v; }},
      {"--tunnel-ip", "ovs.local_ip", "IPv4 address of this host's VXLAN endpoint", set_tunnel_ip},
      {"--ovsdb", "ovs.ovsdb_connection", "OVSDB socket (unix:/var/run/openvswitch/db.sock)",
       [](AgentConfig& c, const std::string& v) { c.ovsdb = v; }},
      {"--ovs-rundir", "ovs.rundir", "ovs-vswitchd's run dir, where <bridge>.mgmt live",
       [](AgentConfig& c, const std::string& v) { c.ovs_rundir = v; }},
      {"--datapath-type", "ovs.datapath_type", "system (kernel) or netdev (userspace)",
       set_datapath},
      {"--bridge-mappings", "ovs.bridge_mappings", "physnet1:br-phys1[,...]", set_mappings},
      {"--firewall-driver", "securitygroup.firewall_driver",
       "openvswitch (security groups, the default) or noop (anti-spoofing only)",
       set_firewall_driver},
      {"--state-dir", "DEFAULT.state_path", "where the agent keeps its local state",
       [](AgentConfig& c, const std::string& v) { c.state_dir = v; }},
      {"--metadata-service", "DEFAULT.nova_metadata_host",
       "HOST:PORT of the controller's metadata service (enables the metadata proxy)",
       [](AgentConfig& c, const std::string& v) {
         try {
           const ControllerAddress parsed = parse_controller_address(v);
           c.metadata_host = parsed.host;
           c.metadata_port = parsed.port;
         } catch (const std::invalid_argument& e) {
           throw AgentConfigError(std::string("--metadata-service ") + e.what());
         }
       }},
      {"--metadata-secret", "DEFAULT.metadata_proxy_shared_secret",
       "secret the proxy signs instance ids with (or NEUTRINO_METADATA_SECRET)",
       [](AgentConfig& c, const std::string& v) { c.metadata_secret = v; }},
      {"--agent-secret", "DEFAULT.agent_secret",
       "secret shared with the controller (or NEUTRINO_AGENT_SECRET)",
       [](AgentConfig& c, const std::string& v) { c.agent_secret = v; }},
      {"--controller-ca", "DEFAULT.controller_ca",
       "PEM CA bundle: connect with TLS and verify the controller's certificate",
       [](AgentConfig& c, const std::string& v) { c.controller_ca_file = v; }},
      {"--tls-cert", "DEFAULT.tls_cert", "PEM certificate to present (mutual TLS)",
       [](AgentConfig& c, const std::string& v) { c.tls_cert_file = v; }},
      {"--tls-key", "DEFAULT.tls_key", "PEM private key for --tls-cert",
       [](AgentConfig& c, const std::string& v) { c.tls_key_file = v; }},
      {"--integration-bridge", "ovs.integration_bridge", "br-int",
       [](AgentConfig& c, const std::string& v) { c.integration_bridge = v; }},
      {"--tunnel-bridge", "ovs.tunnel_bridge", "br-tun",
       [](AgentConfig& c, const std::string& v) { c.tunnel_bridge = v; }},
      {"--log-level", "DEFAULT.log_level", "debug, info, warning or error",
       [](AgentConfig& c, const std::string& v) { c.log_level = v; }},
  };
  return list;
}

const std::vector<Option>& limit_options() {
  static const std::vector<Option> list = {
      {"--metadata-rate-limit", "metadata_rate_limiting.requests_per_second",
       "metadata requests a second each guest may make after its burst (10)",
       [](AgentConfig& c, const std::string& v) {
         c.metadata_rate.per_second =
             static_cast<double>(parse_count("--metadata-rate-limit", v, 1));
       }},
      {"--metadata-rate-burst", "metadata_rate_limiting.burst",
       "metadata requests each guest may make at once (20)",
       [](AgentConfig& c, const std::string& v) {
         c.metadata_rate.burst = static_cast<double>(parse_count("--metadata-rate-burst", v, 1));
       }},
      {"--dhcp-rate-limit", "dhcp.requests_per_second",
       "DHCP requests a second each port may send after its burst (4)",
       [](AgentConfig& c, const std::string& v) {
         c.dhcp_rate.per_second = static_cast<double>(parse_count("--dhcp-rate-limit", v, 1));
       }},
      {"--dhcp-rate-burst", "dhcp.burst", "DHCP requests each port may send at once (16)",
       [](AgentConfig& c, const std::string& v) {
         c.dhcp_rate.burst = static_cast<double>(parse_count("--dhcp-rate-burst", v, 1));
       }},
  };
  return list;
}

const std::vector<Option>& options() {
  static const std::vector<Option> all = [] {
    std::vector<Option> list = network_options();
    const auto& compute = compute_options();
    list.insert(list.end(), compute.begin(), compute.end());
    const auto& limits = limit_options();
    list.insert(list.end(), limits.begin(), limits.end());
    return list;
  }();
  return all;
}

const Option* find(const std::string& flag) {
  for (const auto& o : options()) {
    if (flag == o.flag) {
      return &o;
    }
  }
  return nullptr;
}

}  // namespace

std::string agent_usage() {
  std::ostringstream out;
  out << "usage: neutrino-agent --controller HOST:PORT[,...] --host NAME --tunnel-ip IP "
         "[options]\n";
  for (const auto& o : options()) {
    out << "  " << o.flag << " VALUE\n      " << o.help << "\n";
  }
  out << "  --config FILE\n      INI file with the same settings ([DEFAULT], [ovs], "
         "[securitygroup], [compute], [libvirt], [glance], [metadata_rate_limiting], [dhcp])\n";
  return out.str();
}

AgentConfig parse_agent_config(const std::vector<std::string>& args, const AgentEnvLookup& env) {
  AgentConfig config;
  std::vector<std::pair<std::string, std::string>> flags;
  std::optional<std::string> config_file;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      config.show_help = true;
      return config;
    }
    if (arg.rfind("--", 0) != 0) {
      throw AgentConfigError("unexpected argument '" + arg + "'");
    }
    std::string name = arg;
    std::string value;
    if (const size_t eq = arg.find('='); eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    } else if (is_switch(name) && (i + 1 == args.size() || args[i + 1].rfind("--", 0) == 0)) {
      value = "true";
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      throw AgentConfigError(name + " needs a value");
    }
    if (name == "--config") {
      config_file = value;
    } else if (find(name) == nullptr) {
      throw AgentConfigError("unknown option " + name);
    } else {
      flags.emplace_back(name, value);
    }
  }
  if (config_file) {
    const auto ini = IniConfig::load_file(*config_file);
    for (const auto& o : options()) {
      if (const auto v = ini.get(o.ini_key)) {
        o.apply(config, *v);
      }
    }
  }
  if (const auto secret = env("NEUTRINO_AGENT_SECRET"); secret && !secret->empty()) {
    config.agent_secret = *secret;
  }
  if (const auto secret = env("NEUTRINO_METADATA_SECRET"); secret && !secret->empty()) {
    config.metadata_secret = *secret;
  }
  for (const auto& [name, value] : flags) {
    find(name)->apply(config, value);
  }
  if (config.host.empty()) {
    throw AgentConfigError("--host is required");
  }
  if (config.tunnel_ip.empty()) {
    throw AgentConfigError("--tunnel-ip is required");
  }
  if (config.agent_secret.empty()) {
    throw AgentConfigError("an agent secret is required (--agent-secret or NEUTRINO_AGENT_SECRET)");
  }
  if (config.tls_cert_file.empty() != config.tls_key_file.empty()) {
    throw AgentConfigError("--tls-cert and --tls-key go together");
  }
  if (config.compute_enabled && config.image_service.empty()) {
    throw AgentConfigError("--compute needs --image-service (the controller's image endpoint)");
  }
  if (!config.tls_cert_file.empty() && config.controller_ca_file.empty()) {
    throw AgentConfigError("--tls-cert needs --controller-ca: a client certificate needs TLS");
  }
  return config;
}

}  // namespace neutrino::agent
