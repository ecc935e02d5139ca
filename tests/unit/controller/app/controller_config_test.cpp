#include "controller/app/controller_config.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

namespace neutrino::controller {
namespace {

EnvLookup env_of(std::map<std::string, std::string> values) {
  return [values](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) {
      return std::nullopt;
    }
    return it->second;
  };
}

ControllerConfig parse(const std::vector<std::string>& args,
                       std::map<std::string, std::string> env = {}) {
  return parse_controller_config(args, env_of(std::move(env)));
}

class ConfigFile {
 public:
  explicit ConfigFile(const std::string& text)
      : path_(std::filesystem::temp_directory_path() /
              ("neutrino-config-test-" + std::to_string(::getpid()) + ".ini")) {
    std::ofstream(path_) << text;
  }
  ~ConfigFile() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

TEST(ControllerConfigTest, Defaults) {
  const auto c = parse({"--data-dir", "/tmp/x"});
  EXPECT_EQ(c.listen_host, "127.0.0.1");
  EXPECT_EQ(c.listen_port, 9696);
  EXPECT_EQ(c.data_dir, "/tmp/x");
  EXPECT_EQ(c.database_path(), "/tmp/x/neutrino.db");
  EXPECT_EQ(c.url_file_path(), "/tmp/x/controller.url");
  EXPECT_FALSE(c.admin_password.has_value());
  EXPECT_EQ(c.token_expiration, 3600);
  EXPECT_EQ(c.api_workers, 4);
  EXPECT_EQ(c.db_sync, "full");
  EXPECT_EQ(c.log_level, "info");
  EXPECT_FALSE(c.tls());
  EXPECT_EQ(c.network.vni_ranges, "1:65535");
  EXPECT_EQ(c.network.network_vlan_ranges, "");
  EXPECT_EQ(c.network.flat_networks, "*");
  EXPECT_EQ(c.network.base_mac, "fa:16:3e:00:00:00");
  EXPECT_EQ(c.network.global_physnet_mtu, 1500);
}

TEST(ControllerConfigTest, FlagsInBothSpellings) {
  const auto c = parse({"--data-dir=/d",
                        "--listen",
                        "0.0.0.0:0",
                        "--admin-password=pw",
                        "--token-expiration",
                        "60",
                        "--api-workers",
                        "2",
                        "--db-sync",
                        "normal",
                        "--log-level",
                        "debug",
                        "--public-url",
                        "https://cloud.example/",
                        "--vni-ranges",
                        "100:200",
                        "--network-vlan-ranges",
                        "physnet1:10:20",
                        "--flat-networks",
                        "physnet2",
                        "--base-mac",
                        "fa:16:3e:aa:00:00",
                        "--underlay-mtu",
                        "9000",
                        "--tls-cert",
                        "c.pem",
                        "--tls-key",
                        "k.pem"});
  EXPECT_EQ(c.listen_host, "0.0.0.0");
  EXPECT_EQ(c.listen_port, 0);
  EXPECT_EQ(c.admin_password, "pw");
  EXPECT_EQ(c.token_expiration, 60);
  EXPECT_EQ(c.api_workers, 2);
  EXPECT_EQ(c.db_sync, "normal");
  EXPECT_EQ(c.log_level, "debug");
  EXPECT_EQ(c.public_url, "https://cloud.example");
  EXPECT_EQ(c.network.vni_ranges, "100:200");
  EXPECT_EQ(c.network.network_vlan_ranges, "physnet1:10:20");
  EXPECT_EQ(c.network.flat_networks, "physnet2");
  EXPECT_EQ(c.network.base_mac, "fa:16:3e:aa:00:00");
  EXPECT_EQ(c.network.global_physnet_mtu, 9000);
  EXPECT_TRUE(c.tls());
}

TEST(ControllerConfigTest, Ipv6Listen) {
  const auto c = parse({"--data-dir", "/d", "--listen", "[::1]:8080"});
  EXPECT_EQ(c.listen_host, "::1");
  EXPECT_EQ(c.listen_port, 8080);
}

TEST(ControllerConfigTest, IniFileWithOsloNamesAndFlagsWin) {
  ConfigFile file(
      "[DEFAULT]\n"
      "listen = 10.0.0.1:9000\n"
      "data_dir = /from/file\n"
      "admin_password = filepw\n"
      "api_workers = 8\n"
      "base_mac = fa:16:3e:11:00:00\n"
      "global_physnet_mtu = 1450\n"
      "some_neutron_option = ignored\n"
      "[token]\nexpiration = 120\n"
      "[ml2_type_vxlan]\nvni_ranges = 5:10\n"
      "[ml2_type_vlan]\nnetwork_vlan_ranges = physnet1:1:9\n"
      "[ml2_type_flat]\nflat_networks = ext\n"
      "[ssl]\ncert_file = /c.pem\nkey_file = /k.pem\n");
  const auto from_file = parse({"--config", file.path()});
  EXPECT_EQ(from_file.listen_host, "10.0.0.1");
  EXPECT_EQ(from_file.listen_port, 9000);
  EXPECT_EQ(from_file.data_dir, "/from/file");
  EXPECT_EQ(from_file.admin_password, "filepw");
  EXPECT_EQ(from_file.api_workers, 8);
  EXPECT_EQ(from_file.token_expiration, 120);
  EXPECT_EQ(from_file.network.vni_ranges, "5:10");
  EXPECT_EQ(from_file.network.network_vlan_ranges, "physnet1:1:9");
  EXPECT_EQ(from_file.network.flat_networks, "ext");
  EXPECT_EQ(from_file.network.base_mac, "fa:16:3e:11:00:00");
  EXPECT_EQ(from_file.network.global_physnet_mtu, 1450);
  EXPECT_EQ(from_file.tls_cert_file, "/c.pem");
  EXPECT_EQ(from_file.tls_key_file, "/k.pem");

  // Flags win regardless of their position relative to --config; the environment beats the
  // file but not the flag.
  const auto flags =
      parse({"--api-workers", "3", "--config", file.path(), "--listen", "127.0.0.1:1234"},
            {{"NEUTRINO_ADMIN_PASSWORD", "envpw"}});
  EXPECT_EQ(flags.api_workers, 3);
  EXPECT_EQ(flags.listen_port, 1234);
  EXPECT_EQ(flags.data_dir, "/from/file");
  EXPECT_EQ(flags.admin_password, "envpw");
  const auto flag_pw = parse({"--config", file.path(), "--admin-password", "flagpw"},
                             {{"NEUTRINO_ADMIN_PASSWORD", "envpw"}});
  EXPECT_EQ(flag_pw.admin_password, "flagpw");
}

TEST(ControllerConfigTest, NeutronBindHostAndDebug) {
  ConfigFile file("[DEFAULT]\nbind_host = 0.0.0.0\nbind_port = 9797\ndebug = True\ndata_dir=/d\n");
  const auto c = parse({"--config", file.path()});
  EXPECT_EQ(c.listen_host, "0.0.0.0");
  EXPECT_EQ(c.listen_port, 9797);
  EXPECT_EQ(c.log_level, "debug");
}

TEST(ControllerConfigTest, UsageErrors) {
  EXPECT_THROW(parse({}), ConfigError);  // no data dir
  EXPECT_THROW(parse({"--data-dir", "/d", "--bogus", "1"}), ConfigError);
  try {
    parse({"--data-dir", "/d", "--bogus"});
    ADD_FAILURE();
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "unknown option --bogus");
  }
  EXPECT_THROW(parse({"--data-dir", "/d", "stray"}), ConfigError);
  EXPECT_THROW(parse({"--data-dir"}), ConfigError);
  EXPECT_THROW(parse({"--data-dir", "/d", "--listen", "nohost"}), ConfigError);
  EXPECT_THROW(parse({"--data-dir", "/d", "--listen", "h:70000"}), ConfigError);
  EXPECT_THROW(parse({"--data-dir", "/d", "--api-workers", "0"}), ConfigError);
  EXPECT_THROW(parse({"--data-dir", "/d", "--token-expiration", "x"}), ConfigError);
  EXPECT_THROW(parse({"--data-dir", "/d", "--db-sync", "off"}), ConfigError);
  EXPECT_THROW(parse({"--data-dir", "/d", "--log-level", "loud"}), ConfigError);
  EXPECT_THROW(parse({"--data-dir", "/d", "--tls-cert", "c.pem"}), ConfigError);
  EXPECT_THROW(parse({"--data-dir", "/d", "--base-mac", "fa:16:3e"}), ConfigError);
  EXPECT_THROW(parse({"--data-dir", "/d", "--public-url", "cloud.example"}), ConfigError);
  EXPECT_THROW(parse({"--config", "/no/such/file.ini"}), ConfigError);
}

TEST(ControllerConfigTest, AgentChannelTls) {
  EXPECT_FALSE(parse({"--data-dir", "/d"}).agent_tls());
  const auto flags = parse({"--data-dir", "/d", "--agent-tls-cert", "/c.pem", "--agent-tls-key",
                            "/k.pem", "--agent-tls-ca=/ca.pem"});
  EXPECT_TRUE(flags.agent_tls());
  EXPECT_FALSE(flags.tls());  // the API's HTTPS is configured separately
  EXPECT_EQ(flags.agent_tls_cert_file, "/c.pem");
  EXPECT_EQ(flags.agent_tls_key_file, "/k.pem");
  EXPECT_EQ(flags.agent_tls_ca_file, "/ca.pem");

  ConfigFile file(
      "[DEFAULT]\ndata_dir = /d\nagent_tls_cert = /file-c.pem\nagent_tls_key = /file-k.pem\n"
      "agent_tls_ca = /file-ca.pem\n");
  const auto from_file = parse({"--config", file.path(), "--agent-tls-ca", "/flag-ca.pem"});
  EXPECT_EQ(from_file.agent_tls_cert_file, "/file-c.pem");
  EXPECT_EQ(from_file.agent_tls_key_file, "/file-k.pem");
  EXPECT_EQ(from_file.agent_tls_ca_file, "/flag-ca.pem");

  EXPECT_THROW(parse({"--data-dir", "/d", "--agent-tls-cert", "/c.pem"}), ConfigError);
  EXPECT_THROW(parse({"--data-dir", "/d", "--agent-tls-key", "/k.pem"}), ConfigError);
  // Client certificates can only be demanded over TLS.
  EXPECT_THROW(parse({"--data-dir", "/d", "--agent-tls-ca", "/ca.pem"}), ConfigError);
  const std::string usage = controller_usage();
  EXPECT_NE(usage.find("--agent-tls-ca"), std::string::npos);
}

TEST(ControllerConfigTest, HelpNeedsNothingElse) {
  EXPECT_TRUE(parse({"--bogus", "--help"}).show_help);
  const std::string usage = controller_usage();
  EXPECT_NE(usage.find("--data-dir"), std::string::npos);
  EXPECT_NE(usage.find("--vni-ranges"), std::string::npos);
}

TEST(ControllerConfigTest, FailedLoginLimits) {
  // On by default (Keystone ships them off); Keystone's names in the file, flags win.
  const auto defaults = parse({"--data-dir", "/d"});
  EXPECT_EQ(defaults.lockout.failure_attempts, 6);
  EXPECT_EQ(defaults.lockout.duration, 1800);
  EXPECT_EQ(defaults.lockout.source_failure_attempts, 20);
  EXPECT_EQ(defaults.lockout.source_duration, 300);
  ConfigFile file(
      "[DEFAULT]\ndata_dir = /d\n"
      "[security_compliance]\nlockout_failure_attempts = 10\nlockout_duration = 900\n"
      "source_lockout_failure_attempts = 0\nsource_lockout_duration = 60\n");
  const auto from_file = parse({"--config", file.path()});
  EXPECT_EQ(from_file.lockout.failure_attempts, 10);
  EXPECT_EQ(from_file.lockout.duration, 900);
  EXPECT_EQ(from_file.lockout.source_failure_attempts, 0);
  EXPECT_EQ(from_file.lockout.source_duration, 60);
  const auto flags =
      parse({"--config", file.path(), "--lockout-failure-attempts", "0", "--lockout-duration=5",
             "--source-lockout-failure-attempts", "7", "--source-lockout-duration", "30"});
  EXPECT_EQ(flags.lockout.failure_attempts, 0);
  EXPECT_EQ(flags.lockout.duration, 5);
  EXPECT_EQ(flags.lockout.source_failure_attempts, 7);
  EXPECT_EQ(flags.lockout.source_duration, 30);
  EXPECT_THROW(parse({"--data-dir", "/d", "--lockout-duration", "0"}), ConfigError);
  EXPECT_THROW(parse({"--data-dir", "/d", "--lockout-failure-attempts", "-1"}), ConfigError);
  const std::string usage = controller_usage();
  EXPECT_NE(usage.find("--lockout-failure-attempts"), std::string::npos);
  EXPECT_NE(usage.find("(6; 0 = never)"), std::string::npos);
  EXPECT_NE(usage.find("[security_compliance]"), std::string::npos);
}

TEST(ControllerConfigTest, MetadataService) {
  const auto defaults = parse({"--data-dir", "/d"});
  EXPECT_EQ(defaults.metadata_listen_host, "127.0.0.1");
  EXPECT_EQ(defaults.metadata_listen_port, 8775);  // Nova's metadata port
  EXPECT_EQ(defaults.metadata_secret, "");         // off until a secret is given
  EXPECT_EQ(defaults.dhcp_domain, "novalocal");
  EXPECT_EQ(defaults.metadata_url_file_path(), "/d/metadata.url");

  const auto flags = parse({"--data-dir", "/d", "--metadata-listen", "0.0.0.0:0",
                            "--metadata-secret=s3", "--dhcp-domain", "example.org"},
                           {{"NEUTRINO_METADATA_SECRET", "env"}});
  EXPECT_EQ(flags.metadata_listen_host, "0.0.0.0");
  EXPECT_EQ(flags.metadata_listen_port, 0);
  EXPECT_EQ(flags.metadata_secret, "s3");
  EXPECT_EQ(flags.dhcp_domain, "example.org");

  // Neutron's name for the secret, Nova's for the domain; the environment beats the file.
  ConfigFile file(
      "[DEFAULT]\ndata_dir = /d\nmetadata_listen = 10.0.0.1:8776\n"
      "metadata_proxy_shared_secret = from-file\n[api]\ndhcp_domain =\n");
  const auto from_file = parse({"--config", file.path()});
  EXPECT_EQ(from_file.metadata_listen_host, "10.0.0.1");
  EXPECT_EQ(from_file.metadata_listen_port, 8776);
  EXPECT_EQ(from_file.metadata_secret, "from-file");
  EXPECT_EQ(from_file.dhcp_domain, "");
  EXPECT_EQ(parse({"--config", file.path()}, {{"NEUTRINO_METADATA_SECRET", "env"}}).metadata_secret,
            "env");
  EXPECT_THROW(parse({"--data-dir", "/d", "--metadata-listen", "8775"}), ConfigError);
}

TEST(ControllerConfigTest, ConnectionLimitsAndDeadlines) {
  using std::chrono::seconds;
  const auto defaults = parse({"--data-dir", "/d"});
  EXPECT_EQ(defaults.http.max_connections, 1024u);
  EXPECT_EQ(defaults.metadata_max_connections, 1024u);
  EXPECT_EQ(defaults.http.header_timeout, seconds(10));
  EXPECT_EQ(defaults.http.body_timeout, seconds(10));
  EXPECT_EQ(defaults.http.min_body_rate, 65536u);
  EXPECT_EQ(defaults.http.idle_timeout, seconds(60));
  EXPECT_EQ(defaults.http.max_header_line, 16384u);
  EXPECT_TRUE(defaults.http.keep_alive);
  EXPECT_EQ(defaults.http.max_body_bytes, 1048576u);

  const auto flags =
      parse({"--data-dir", "/d", "--max-connections", "50", "--metadata-max-connections=60",
             "--client-header-timeout", "3", "--client-body-timeout", "4", "--client-body-min-rate",
             "1000", "--client-socket-timeout", "0", "--max-header-line", "8192",
             "--wsgi-keep-alive", "false", "--max-request-body-size", "2048"});
  EXPECT_EQ(flags.http.max_connections, 50u);
  EXPECT_EQ(flags.metadata_max_connections, 60u);
  EXPECT_EQ(flags.http.header_timeout, seconds(3));
  EXPECT_EQ(flags.http.body_timeout, seconds(4));
  EXPECT_EQ(flags.http.min_body_rate, 1000u);
  EXPECT_EQ(flags.http.idle_timeout, seconds(0));
  EXPECT_EQ(flags.http.max_header_line, 8192u);
  EXPECT_GE(flags.http.max_header_bytes, 4 * 8192u);
  EXPECT_FALSE(flags.http.keep_alive);
  EXPECT_EQ(flags.http.max_body_bytes, 2048u);

  // oslo's names in the config file.
  ConfigFile file(
      "[DEFAULT]\ndata_dir = /d\nclient_socket_timeout = 900\nwsgi_keep_alive = False\n"
      "max_header_line = 32768\nmax_connections = 4096\n"
      "[oslo_middleware]\nmax_request_body_size = 114688\n");
  const auto from_file = parse({"--config", file.path()});
  EXPECT_EQ(from_file.http.idle_timeout, seconds(900));
  EXPECT_FALSE(from_file.http.keep_alive);
  EXPECT_EQ(from_file.http.max_header_line, 32768u);
  EXPECT_EQ(from_file.http.max_connections, 4096u);
  EXPECT_EQ(from_file.http.max_body_bytes, 114688u);
  EXPECT_THROW(parse({"--data-dir", "/d", "--max-connections", "0"}), ConfigError);
  EXPECT_THROW(parse({"--data-dir", "/d", "--client-header-timeout", "0"}), ConfigError);
}

TEST(ControllerConfigTest, DatabaseUrlFromFlagOrNeutronsIniOption) {
  EXPECT_TRUE(parse({"--data-dir", "/tmp/x"}).database.empty());
  const auto flag = parse({"--data-dir", "/tmp/x", "--database", "postgresql://n:pw@db/neutrino",
                           "--database-max-connections", "4", "--database-pool-timeout", "3"});
  EXPECT_EQ(flag.database_path(), "postgresql://n:pw@db/neutrino");
  EXPECT_EQ(flag.database_name().find("pw"), std::string::npos);
  EXPECT_EQ(flag.database_max_connections, 4u);
  EXPECT_EQ(flag.database_pool_timeout, 3);
  ConfigFile file(
      "[DEFAULT]\ndata_dir = /tmp/y\n[database]\n"
      "connection = postgresql+psycopg2://neutron@db/neutron\nmax_pool_size = 7\n");
  const auto ini = parse({"--config", file.path()});
  EXPECT_EQ(ini.database_path(), "postgresql+psycopg2://neutron@db/neutron");
  EXPECT_EQ(ini.database_max_connections, 7u);
  EXPECT_THROW(parse({"--data-dir", "/tmp/x", "--database", "mysql://db/neutron"}), ConfigError);
  EXPECT_THROW(parse({"--data-dir", "/tmp/x", "--database-max-connections", "0"}), ConfigError);
}

}  // namespace
}  // namespace neutrino::controller
