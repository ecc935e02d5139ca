#include "controller/app/controller_config.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>

#include "common/ini_config.hpp"
#include "controller/image/image_service.hpp"
#include "controller/store/postgres_database.hpp"

namespace neutrino::controller {
namespace {

using Setter = void (*)(ControllerConfig&, const std::string&);

int64_t to_integer(const std::string& what, const std::string& value, int64_t min, int64_t max) {
  int64_t parsed = 0;
  const char* end = value.data() + value.size();
  const auto [ptr, ec] = std::from_chars(value.data(), end, parsed);
  if (ec != std::errc() || ptr != end || parsed < min || parsed > max) {
    throw ConfigError(what + " must be an integer between " + std::to_string(min) + " and " +
                      std::to_string(max) + ", not '" + value + "'");
  }
  return parsed;
}

double to_ratio(const std::string& what, const std::string& value, double min, double max) {
  double parsed = 0;
  const char* end = value.data() + value.size();
  const auto [ptr, ec] = std::from_chars(value.data(), end, parsed);
  if (ec != std::errc() || ptr != end || parsed < min || parsed > max) {
    throw ConfigError(what + " must be a number between " + std::to_string(min) + " and " +
                      std::to_string(max) + ", not '" + value + "'");
  }
  return parsed;
}

void set_storage_quota(ControllerConfig& c, const std::string& value) {
  const auto bytes = image::parse_storage_quota(value);
  if (!bytes) {
    throw ConfigError(
        "user_storage_quota must be a size such as 0, 1073741824, 500MB or 2GB, "
        "not '" +
        value + "'");
  }
  c.user_storage_quota = *bytes;
}

bool to_bool(const std::string& value) {
  return value == "true" || value == "True" || value == "1" || value == "yes";
}

void set_listen(ControllerConfig& c, const std::string& value) {
  const size_t colon = value.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == value.size()) {
    throw ConfigError("listen address must be HOST:PORT, not '" + value + "'");
  }
  std::string host = value.substr(0, colon);
  if (host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);  // [::1]:9696
  }
  c.listen_host = host;
  c.listen_port =
      static_cast<uint16_t>(to_integer("listen port", value.substr(colon + 1), 0, 65535));
}

void set_agent_listen(ControllerConfig& c, const std::string& value) {
  ControllerConfig parsed;
  set_listen(parsed, value);
  c.agent_listen_host = parsed.listen_host;
  c.agent_listen_port = parsed.listen_port;
}

void set_metadata_listen(ControllerConfig& c, const std::string& value) {
  ControllerConfig parsed;
  set_listen(parsed, value);
  c.metadata_listen_host = parsed.listen_host;
  c.metadata_listen_port = parsed.listen_port;
}

void set_base_mac(ControllerConfig& c, const std::string& value) {
  bool ok = value.size() == 17;
  for (size_t i = 0; ok && i < value.size(); ++i) {
    ok = i % 3 == 2 ? value[i] == ':' : std::isxdigit(static_cast<unsigned char>(value[i])) != 0;
  }
  if (!ok) {
    throw ConfigError("base_mac must look like fa:16:3e:00:00:00, not '" + value + "'");
  }
  c.network.base_mac = value;
}

struct Option {
  const char* flag;     // command line
  const char* ini_key;  // "section.key" in the config file; nullptr when there is none
  const char* help;
  Setter set;
};

const Option kOptions[] = {
    {"--listen", "DEFAULT.listen", "HOST:PORT to serve on (127.0.0.1:9696; port 0 = any)",
     set_listen},
    {"--agent-listen", "DEFAULT.agent_listen",
     "HOST:PORT agents connect to (127.0.0.1:9697; port 0 = any)", set_agent_listen},
    {"--agent-secret", "DEFAULT.agent_secret",
     "shared secret agents authenticate with (or NEUTRINO_AGENT_SECRET)",
     [](ControllerConfig& c, const std::string& v) { c.agent_secret = v; }},
    {"--agent-tls-cert", "DEFAULT.agent_tls_cert", "PEM certificate: agents must connect with TLS",
     [](ControllerConfig& c, const std::string& v) { c.agent_tls_cert_file = v; }},
    {"--agent-tls-key", "DEFAULT.agent_tls_key", "PEM private key for --agent-tls-cert",
     [](ControllerConfig& c, const std::string& v) { c.agent_tls_key_file = v; }},
    {"--agent-tls-ca", "DEFAULT.agent_tls_ca",
     "PEM CA bundle: agents must present a certificate it issued (mutual TLS)",
     [](ControllerConfig& c, const std::string& v) { c.agent_tls_ca_file = v; }},
    {"--agent-heartbeat", "DEFAULT.agent_heartbeat", "seconds between channel heartbeats (10)",
     [](ControllerConfig& c, const std::string& v) {
       c.agent_heartbeat = static_cast<int>(to_integer("agent heartbeat", v, 1, 3600));
     }},
    {"--agent-max-backlog", "DEFAULT.agent_max_backlog",
     "bytes an agent may leave unread before the controller drops its connection (256 MiB)",
     [](ControllerConfig& c, const std::string& v) {
       c.agent_max_backlog = to_integer("agent max backlog", v, 64 * 1024, 1LL << 40);
     }},
    {"--data-dir", "DEFAULT.data_dir", "DIR for the store and controller.url (required)",
     [](ControllerConfig& c, const std::string& v) { c.data_dir = v; }},
    {"--admin-password", "DEFAULT.admin_password",
     "password of the bootstrap admin (or NEUTRINO_ADMIN_PASSWORD)",
     [](ControllerConfig& c, const std::string& v) { c.admin_password = v; }},
    {"--token-expiration", "token.expiration", "token lifetime in seconds (3600)",
     [](ControllerConfig& c, const std::string& v) {
       c.token_expiration = to_integer("token expiration", v, 1, 365LL * 24 * 3600);
     }},
    {"--lockout-failure-attempts", "security_compliance.lockout_failure_attempts",
     "failed password logins in a row that lock a user (6; 0 = never)",
     [](ControllerConfig& c, const std::string& v) {
       c.lockout.failure_attempts =
           static_cast<int>(to_integer("lockout failure attempts", v, 0, 1000000));
     }},
    {"--lockout-duration", "security_compliance.lockout_duration",
     "seconds a locked user stays locked after its last failure (1800)",
     [](ControllerConfig& c, const std::string& v) {
       c.lockout.duration = to_integer("lockout duration", v, 1, 365LL * 24 * 3600);
     }},
    {"--source-lockout-failure-attempts", "security_compliance.source_lockout_failure_attempts",
     "failed logins from one address (IPv6: /64) that block it (20; 0 = never)",
     [](ControllerConfig& c, const std::string& v) {
       c.lockout.source_failure_attempts =
           static_cast<int>(to_integer("source lockout failure attempts", v, 0, 1000000));
     }},
    {"--source-lockout-duration", "security_compliance.source_lockout_duration",
     "seconds they are counted over; also the block's length (300)",
     [](ControllerConfig& c, const std::string& v) {
       c.lockout.source_duration = to_integer("source lockout duration", v, 1, 24 * 3600);
     }},
    {"--tls-cert", "ssl.cert_file", "PEM certificate: serve HTTPS",
     [](ControllerConfig& c, const std::string& v) { c.tls_cert_file = v; }},
    {"--tls-key", "ssl.key_file", "PEM private key for --tls-cert",
     [](ControllerConfig& c, const std::string& v) { c.tls_key_file = v; }},
    {"--public-url", "DEFAULT.public_url", "base URL in the service catalog",
     [](ControllerConfig& c, const std::string& v) { c.public_url = v; }},
    {"--api-workers", "DEFAULT.api_workers", "request handling threads (4)",
     [](ControllerConfig& c, const std::string& v) {
       c.api_workers = static_cast<int>(to_integer("api workers", v, 1, 256));
     }},
    {"--database", "database.connection",
     "postgresql://USER:PASSWORD@HOST/DB: share one PostgreSQL database between controllers "
     "(default: SQLite in the data dir)",
     [](ControllerConfig& c, const std::string& v) {
       if (!store::is_postgres_url(v)) {
         throw ConfigError("--database must be a postgresql:// URL");
       }
       c.database = v;
     }},
    {"--database-max-connections", "database.max_pool_size",
     "PostgreSQL connections per controller (16)",
     [](ControllerConfig& c, const std::string& v) {
       c.database_max_connections =
           static_cast<size_t>(to_integer("database max connections", v, 1, 1000));
     }},
    {"--database-pool-timeout", "database.pool_timeout",
     "seconds a request waits for a free PostgreSQL connection (10)",
     [](ControllerConfig& c, const std::string& v) {
       c.database_pool_timeout = static_cast<int>(to_integer("database pool timeout", v, 1, 3600));
     }},
    {"--db-sync", "DEFAULT.db_sync", "full|normal: fsync every commit or not (full)",
     [](ControllerConfig& c, const std::string& v) { c.db_sync = v; }},
    {"--log-level", "DEFAULT.log_level", "debug|info|warning|error (info)",
     [](ControllerConfig& c, const std::string& v) { c.log_level = v; }},
    {"--vni-ranges", "ml2_type_vxlan.vni_ranges", "VXLAN VNI ranges (1:65535)",
     [](ControllerConfig& c, const std::string& v) { c.network.vni_ranges = v; }},
    {"--network-vlan-ranges", "ml2_type_vlan.network_vlan_ranges",
     "PHYSNET[:MIN:MAX],... for VLAN networks",
     [](ControllerConfig& c, const std::string& v) { c.network.network_vlan_ranges = v; }},
    {"--flat-networks", "ml2_type_flat.flat_networks", "physnets for flat networks (*)",
     [](ControllerConfig& c, const std::string& v) { c.network.flat_networks = v; }},
    {"--base-mac", "DEFAULT.base_mac", "MAC prefix of ports (fa:16:3e:00:00:00)", set_base_mac},
    {"--fanout-mode", "DEFAULT.fanout_mode",
     "incremental|full: how agents' deltas are computed (incremental; full is for comparison)",
     [](ControllerConfig& c, const std::string& v) {
       if (v != "incremental" && v != "full") {
         throw ConfigError("fanout mode must be incremental or full, not '" + v + "'");
       }
       c.fanout_full_recompute = v == "full";
     }},
    {"--agent-down-time", "DEFAULT.agent_down_time",
     "seconds without a heartbeat before an agent is shown dead (75)",
     [](ControllerConfig& c, const std::string& v) {
       c.network.agent_down_time = static_cast<int>(to_integer("agent down time", v, 1, 86400));
     }},
    {"--underlay-mtu", "DEFAULT.global_physnet_mtu", "MTU of the physical network (1500)",
     [](ControllerConfig& c, const std::string& v) {
       c.network.global_physnet_mtu = static_cast<int>(to_integer("underlay MTU", v, 68, 65535));
     }},
    {"--metadata-listen", "DEFAULT.metadata_listen",
     "HOST:PORT of the metadata service (127.0.0.1:8775; port 0 = any)", set_metadata_listen},
    {"--metadata-secret", "DEFAULT.metadata_proxy_shared_secret",
     "secret metadata proxies sign instance ids with (or NEUTRINO_METADATA_SECRET)",
     [](ControllerConfig& c, const std::string& v) { c.metadata_secret = v; }},
    {"--dhcp-domain", "api.dhcp_domain", "domain of guests' metadata host names (novalocal)",
     [](ControllerConfig& c, const std::string& v) { c.dhcp_domain = v; }},
    // Hostile clients: every listener bounds what a connection may hold, and for how long.
    {"--max-connections", "DEFAULT.max_connections",
     "open connections to the API at most; idle ones are shed first, then 503 (1024)",
     [](ControllerConfig& c, const std::string& v) {
       c.http.max_connections = static_cast<size_t>(to_integer("max connections", v, 1, 1 << 20));
     }},
    {"--metadata-max-connections", "DEFAULT.metadata_max_connections",
     "open connections to the metadata service at most (1024)",
     [](ControllerConfig& c, const std::string& v) {
       c.metadata_max_connections =
           static_cast<size_t>(to_integer("metadata max connections", v, 1, 1 << 20));
     }},
    {"--client-socket-timeout", "DEFAULT.client_socket_timeout",
     "seconds an idle keep-alive connection is kept; 0 = no limit (60)",
     [](ControllerConfig& c, const std::string& v) {
       c.http.idle_timeout = std::chrono::seconds(to_integer("client socket timeout", v, 0, 86400));
     }},
    {"--client-header-timeout", "DEFAULT.client_header_timeout",
     "seconds a client has to send a request's whole header (10)",
     [](ControllerConfig& c, const std::string& v) {
       c.http.header_timeout =
           std::chrono::seconds(to_integer("client header timeout", v, 1, 3600));
     }},
    {"--client-body-timeout", "DEFAULT.client_body_timeout",
     "seconds a client has to send a body, plus its size / client_body_min_rate (10)",
     [](ControllerConfig& c, const std::string& v) {
       c.http.body_timeout = std::chrono::seconds(to_integer("client body timeout", v, 1, 3600));
     }},
    {"--client-body-min-rate", "DEFAULT.client_body_min_rate",
     "bytes per second a body or response must move at, at least (65536)",
     [](ControllerConfig& c, const std::string& v) {
       c.http.min_body_rate =
           static_cast<size_t>(to_integer("client body min rate", v, 1, int64_t{1} << 40));
     }},
    {"--max-header-line", "DEFAULT.max_header_line",
     "longest request or header line in bytes (16384)",
     [](ControllerConfig& c, const std::string& v) {
       c.http.max_header_line = static_cast<size_t>(to_integer("max header line", v, 256, 1 << 20));
       c.http.max_header_bytes = std::max(c.http.max_header_bytes, 4 * c.http.max_header_line);
     }},
    {"--wsgi-keep-alive", "DEFAULT.wsgi_keep_alive",
     "true|false: keep connections open between requests (true)",
     [](ControllerConfig& c, const std::string& v) { c.http.keep_alive = to_bool(v); }},
    {"--max-request-body-size", "oslo_middleware.max_request_body_size",
     "largest request body in bytes (1048576)",
     [](ControllerConfig& c, const std::string& v) {
       c.http.max_body_bytes =
           static_cast<size_t>(to_integer("max request body size", v, 1024, int64_t{1} << 30));
     }},
    {"--cpu-allocation-ratio", "DEFAULT.cpu_allocation_ratio",
     "vCPUs scheduled per physical CPU (4.0)",
     [](ControllerConfig& c, const std::string& v) {
       c.compute.scheduler.cpu_allocation_ratio = to_ratio("cpu_allocation_ratio", v, 0, 1000);
     }},
    {"--ram-allocation-ratio", "DEFAULT.ram_allocation_ratio", "RAM overcommit ratio (1.0)",
     [](ControllerConfig& c, const std::string& v) {
       c.compute.scheduler.ram_allocation_ratio = to_ratio("ram_allocation_ratio", v, 0, 1000);
     }},
    {"--disk-allocation-ratio", "DEFAULT.disk_allocation_ratio", "disk overcommit ratio (1.0)",
     [](ControllerConfig& c, const std::string& v) {
       c.compute.scheduler.disk_allocation_ratio = to_ratio("disk_allocation_ratio", v, 0, 1000);
     }},
    {"--reserved-host-memory-mb", "DEFAULT.reserved_host_memory_mb",
     "MB of each host kept from guests (512)",
     [](ControllerConfig& c, const std::string& v) {
       c.compute.scheduler.reserved_host_memory_mb =
           to_integer("reserved_host_memory_mb", v, 0, 1LL << 40);
     }},
    {"--reserved-host-disk-mb", "DEFAULT.reserved_host_disk_mb",
     "MB of each host's disk kept from guests (0)",
     [](ControllerConfig& c, const std::string& v) {
       c.compute.scheduler.reserved_host_disk_mb =
           to_integer("reserved_host_disk_mb", v, 0, 1LL << 40);
     }},
    {"--reserved-host-cpus", "DEFAULT.reserved_host_cpus", "CPUs of each host kept from guests (0)",
     [](ControllerConfig& c, const std::string& v) {
       c.compute.scheduler.reserved_host_cpus = to_integer("reserved_host_cpus", v, 0, 1 << 20);
     }},
    {"--ram-weight-multiplier", "filter_scheduler.ram_weight_multiplier",
     "RAM weigher multiplier: positive spreads, negative packs (1.0)",
     [](ControllerConfig& c, const std::string& v) {
       c.compute.scheduler.ram_weight_multiplier = to_ratio("ram_weight_multiplier", v, -1e6, 1e6);
     }},
    {"--cpu-weight-multiplier", "filter_scheduler.cpu_weight_multiplier",
     "CPU weigher multiplier (1.0)",
     [](ControllerConfig& c, const std::string& v) {
       c.compute.scheduler.cpu_weight_multiplier = to_ratio("cpu_weight_multiplier", v, -1e6, 1e6);
     }},
    {"--disk-weight-multiplier", "filter_scheduler.disk_weight_multiplier",
     "disk weigher multiplier (1.0)",
     [](ControllerConfig& c, const std::string& v) {
       c.compute.scheduler.disk_weight_multiplier =
           to_ratio("disk_weight_multiplier", v, -1e6, 1e6);
     }},
    {"--quota-instances", "quota.instances", "servers per project, -1 unlimited (10)",
     [](ControllerConfig& c, const std::string& v) {
       c.compute.quotas.instances = to_integer("quota instances", v, -1, 1LL << 31);
     }},
    {"--quota-cores", "quota.cores", "vCPUs per project, -1 unlimited (20)",
     [](ControllerConfig& c, const std::string& v) {
       c.compute.quotas.cores = to_integer("quota cores", v, -1, 1LL << 31);
     }},
    {"--quota-ram", "quota.ram", "MB of RAM per project, -1 unlimited (51200)",
     [](ControllerConfig& c, const std::string& v) {
       c.compute.quotas.ram = to_integer("quota ram", v, -1, 1LL << 40);
     }},
    {"--quota-key-pairs", "quota.key_pairs", "key pairs per user, -1 unlimited (100)",
     [](ControllerConfig& c, const std::string& v) {
       c.compute.quotas.key_pairs = to_integer("quota key_pairs", v, -1, 1LL << 31);
     }},
    {"--default-availability-zone", "DEFAULT.default_availability_zone",
     "zone of compute hosts that name none (nova)",
     [](ControllerConfig& c, const std::string& v) { c.compute.default_availability_zone = v; }},
    {"--default-schedule-zone", "DEFAULT.default_schedule_zone",
     "zone servers go to when they ask for none (any)",
     [](ControllerConfig& c, const std::string& v) { c.compute.default_schedule_zone = v; }},
    {"--service-down-time", "DEFAULT.service_down_time",
     "seconds without a heartbeat before a compute service is down (60)",
     [](ControllerConfig& c, const std::string& v) {
       c.compute.service_down_time = to_integer("service_down_time", v, 1, 86400);
     }},
    {"--user-storage-quota", "DEFAULT.user_storage_quota",
     "image bytes a project may store, e.g. 10GB; 0 = unlimited (0)", set_storage_quota},
    {"--image-size-cap", "DEFAULT.image_size_cap", "largest image upload in bytes (1 TiB)",
     [](ControllerConfig& c, const std::string& v) {
       c.image_size_cap = static_cast<uint64_t>(to_integer("image_size_cap", v, 1, 1LL << 50));
     }},
};

const Option* find_flag(const std::string& flag) {
  for (const Option& option : kOptions) {
    if (flag == option.flag) {
      return &option;
    }
  }
  return nullptr;
}

// "--name=value" or "--name value"; advances i past what it consumed.
std::pair<std::string, std::string> take_flag(const std::vector<std::string>& args, size_t& i) {
  const std::string& arg = args[i];
  const size_t eq = arg.find('=');
  if (eq != std::string::npos) {
    return {arg.substr(0, eq), arg.substr(eq + 1)};
  }
  if (i + 1 >= args.size()) {
    throw ConfigError("option " + arg + " needs a value");
  }
  return {arg, args[++i]};
}

void apply_file(ControllerConfig& c, const std::string& path) {
  IniConfig ini;
  try {
    ini = IniConfig::load_file(path);
  } catch (const std::runtime_error& e) {
    throw ConfigError(e.what());
  }
  // Neutron's own spelling of the listen address, overridden by `listen` if both are given.
  if (const auto host = ini.get("DEFAULT.bind_host")) {
    c.listen_host = *host;
  }
  if (const auto port = ini.get("DEFAULT.bind_port")) {
    c.listen_port = static_cast<uint16_t>(to_integer("bind_port", *port, 0, 65535));
  }
  if (const auto debug = ini.get("DEFAULT.debug"); debug && to_bool(*debug)) {
    c.log_level = "debug";
  }
  for (const Option& option : kOptions) {
    if (option.ini_key == nullptr) {
      continue;
    }
    if (const auto value = ini.get(option.ini_key)) {
      try {
        option.set(c, *value);
      } catch (const ConfigError& e) {
        throw ConfigError(path + ": " + option.ini_key + ": " + e.what());
      }
    }
  }
}

void validate(ControllerConfig& c) {
  if (c.data_dir.empty()) {
    throw ConfigError("--data-dir is required");
  }
  if (c.tls_cert_file.empty() != c.tls_key_file.empty()) {
    throw ConfigError("--tls-cert and --tls-key go together");
  }
  if (c.agent_tls_cert_file.empty() != c.agent_tls_key_file.empty()) {
    throw ConfigError("--agent-tls-cert and --agent-tls-key go together");
  }
  if (!c.agent_tls_ca_file.empty() && !c.agent_tls()) {
    throw ConfigError("--agent-tls-ca needs --agent-tls-cert and --agent-tls-key");
  }
  if (c.db_sync != "full" && c.db_sync != "normal") {
    throw ConfigError("--db-sync must be full or normal, not '" + c.db_sync + "'");
  }
  if (c.log_level != "debug" && c.log_level != "info" && c.log_level != "warning" &&
      c.log_level != "error") {
    throw ConfigError("--log-level must be debug, info, warning or error");
  }
  while (!c.public_url.empty() && c.public_url.back() == '/') {
    c.public_url.pop_back();
  }
  if (!c.public_url.empty() && c.public_url.rfind("http://", 0) != 0 &&
      c.public_url.rfind("https://", 0) != 0) {
    throw ConfigError("--public-url must start with http:// or https://");
  }
  if (c.admin_password && c.admin_password->empty()) {
    throw ConfigError("the admin password must not be empty");
  }
}

}  // namespace

std::optional<std::string> process_env(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) {
    return std::nullopt;
  }
  return std::string(value);
}

ControllerConfig parse_controller_config(const std::vector<std::string>& args,
                                         const EnvLookup& env) {
  ControllerConfig config;
  // First pass: help and the config file, which every flag overrides whatever its position.
  std::optional<std::string> config_file;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--help" || args[i] == "-h") {
      config.show_help = true;
      return config;
    }
    if (args[i] == "--config" || args[i].rfind("--config=", 0) == 0) {
      config_file = take_flag(args, i).second;
    }
  }
  if (config_file) {
    apply_file(config, *config_file);
  }
  if (const auto password = env("NEUTRINO_ADMIN_PASSWORD"); password && !password->empty()) {
    config.admin_password = password;
  }
  if (const auto secret = env("NEUTRINO_AGENT_SECRET"); secret && !secret->empty()) {
    config.agent_secret = *secret;
  }
  if (const auto secret = env("NEUTRINO_METADATA_SECRET"); secret && !secret->empty()) {
    config.metadata_secret = *secret;
  }
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].rfind("--", 0) != 0) {
      throw ConfigError("unexpected argument '" + args[i] + "'");
    }
    const std::string name = args[i].substr(0, args[i].find('='));
    const Option* option = find_flag(name);
    if (option == nullptr && name != "--config") {
      throw ConfigError("unknown option " + name);
    }
    const std::string value = take_flag(args, i).second;
    if (option != nullptr) {
      option->set(config, value);
    }
  }
  validate(config);
  return config;
}

std::string controller_usage() {
  std::string text =
      "Usage: neutrino-controller --data-dir DIR [options]\n"
      "\n"
      "The Neutrino controller: OpenStack Identity (Keystone v3), Networking (Neutron v2.0),\n"
      "Compute (Nova v2.1, under /compute) and Image (Glance v2, under /image) APIs on one\n"
      "port.\n"
      "\n"
      "Options (a flag overrides the config file):\n"
      "  --config FILE                 oslo-style INI file ([DEFAULT], [token], [ssl],\n"
      "                                [ml2_type_vxlan], [ml2_type_vlan], [ml2_type_flat],\n"
      "                                [api], [oslo_middleware], [security_compliance],\n"
      "                                [quota], [filter_scheduler])\n";
  for (const Option& option : kOptions) {
    std::string left = std::string("  ") + option.flag + " VALUE";
    if (left.size() >= 32) {
      left += "\n";  // a long flag gets its own line; the help stays in its column
      left.resize(left.size() + 32, ' ');
    } else {
      left.resize(32, ' ');
    }
    text += left + option.help + "\n";
  }
  text += "  --help                        this text\n";
  return text;
}

}  // namespace neutrino::controller
