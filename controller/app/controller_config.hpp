#pragma once
// The controller's configuration, from an oslo-style INI file (--config) and command-line
// flags; a flag wins over the file. Option names follow Neutron's and Keystone's where they
// have one, so an operator's existing knowledge carries over.
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "controller/compute/compute_settings.hpp"
#include "controller/http/http_server.hpp"
#include "controller/identity/lockout_policy.hpp"
#include "controller/neutron/network_settings.hpp"

namespace neutrino::controller {

// A usage error: unknown flag, missing value, malformed setting. main() prints it with a hint.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ControllerConfig {
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 9696;  // 0: any free port; the bound URL lands in controller.url
  std::string data_dir;
  std::optional<std::string> admin_password;  // only needed to bootstrap an empty store
  int64_t token_expiration = 3600;            // seconds
  identity::LockoutPolicy lockout;            // failed password logins, per user and address
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string public_url;  // catalog base; empty: derived from the bound address
  int api_workers = 4;
  std::string db_sync = "full";  // "full" | "normal" (SQLite synchronous)
  // A postgresql:// URL to share one database between controllers; empty: the SQLite file
  // in data_dir. Connections per controller and how long a request waits for one.
  std::string database;
  size_t database_max_connections = 16;
  int database_pool_timeout = 10;  // seconds
  std::string log_level = "info";
  // The push channel agents connect to, and the secret they sign its challenge with.
  std::string agent_listen_host = "127.0.0.1";
  uint16_t agent_listen_port = 9697;
  std::string agent_secret;
  int agent_heartbeat = 10;  // seconds between heartbeats on the channel
  // Bytes an agent may leave unread before its session is closed (it resyncs on reconnect).
  int64_t agent_max_backlog = 256LL * 1024 * 1024;
  // Recompute every host's whole state from SQL after each change (the old design), for
  // bench/fanout_bench's comparison; false: the incremental fan-out.
  bool fanout_full_recompute = false;
  // Certificate and key: the channel accepts TLS only. A CA as well: agents must present a
  // certificate it issued (mutual TLS). The secret is still checked either way.
  std::string agent_tls_cert_file;
  std::string agent_tls_key_file;
  std::string agent_tls_ca_file;
  // The metadata service guests reach through the agents' proxies (Nova's port 8775). It is
  // served only when a shared secret is set: without one no request could be trusted.
  std::string metadata_listen_host = "127.0.0.1";
  uint16_t metadata_listen_port = 8775;
  std::string metadata_secret;
  std::string dhcp_domain = "novalocal";  // appended to guests' host names, as Nova does
  // Limits and deadlines of both HTTP listeners (address, port and threads are set apart);
  // max_connections is the API listener's, metadata_max_connections the metadata service's.
  http::ServerOptions http;
  size_t metadata_max_connections = 1024;
  neutron::NetworkSettings network;
  // The compute (Nova) and image (Glance) APIs: scheduler, quotas, zones; image storage.
  compute::ComputeSettings compute;
  uint64_t user_storage_quota = 0;  // bytes; 0 = unlimited
  uint64_t image_size_cap = 1ULL << 40;
  bool show_help = false;

  // What the store opens: the PostgreSQL URL, or the SQLite file in data_dir.
  std::string database_path() const {
    return database.empty() ? data_dir + "/neutrino.db" : database;
  }
  // The store for messages: never the URL, which may hold a password.
  std::string database_name() const {
    return database.empty() ? database_path() : "the PostgreSQL database";
  }
  std::string url_file_path() const { return data_dir + "/controller.url"; }
  std::string agent_url_file_path() const { return data_dir + "/agent-channel.address"; }
  std::string metadata_url_file_path() const { return data_dir + "/metadata.url"; }
  std::string image_directory() const { return data_dir + "/images"; }
  bool tls() const { return !tls_cert_file.empty(); }
  bool agent_tls() const { return !agent_tls_cert_file.empty(); }
};

// Reads an environment variable; injectable for tests.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
std::optional<std::string> process_env(const std::string& name);

// `args` excludes the program name. Throws ConfigError. With --help, returns at once with
// show_help set and nothing else checked.
ControllerConfig parse_controller_config(const std::vector<std::string>& args,
                                         const EnvLookup& env = process_env);
std::string controller_usage();

}  // namespace neutrino::controller
