#include "agent/app/agent_config.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/random.hpp"

namespace neutrino::agent {
namespace {

std::optional<std::string> no_env(const std::string&) {
  return std::nullopt;
}

TEST(AgentConfigTest, FlagsAsTheIssueSpellsThem) {
  const auto c = parse_agent_config(
      {"--controller", "127.0.0.1:9697", "--host", "compute1", "--tunnel-ip", "192.168.250.1",
       "--ovsdb", "unix:/tmp/x/db.sock", "--ovs-rundir", "/tmp/x", "--datapath-type", "netdev",
       "--bridge-mappings", "physnet1:br-phys1,physnet2:br-phys2", "--state-dir", "/tmp/s",
       "--agent-secret", "s"},
      no_env);
  ASSERT_EQ(c.controllers.size(), 1u);
  EXPECT_EQ(c.controllers[0].port, 9697);
  EXPECT_EQ(c.host, "compute1");
  EXPECT_EQ(c.datapath_type, "netdev");
  EXPECT_EQ(c.bridge_mappings.at("physnet2"), "br-phys2");
  EXPECT_EQ(c.ovs_rundir, "/tmp/x");
}

TEST(AgentConfigTest, FileUsesNeutronNamesAndFlagsWin) {
  const auto path = std::filesystem::temp_directory_path() / ("agent-" + random::uuid4() + ".ini");
  std::ofstream(path) << "[DEFAULT]\nhost = from-file\ncontroller = 10.0.0.1:9697\n"
                         "[ovs]\nlocal_ip = 192.0.2.7\nbridge_mappings = physnet1:br-eth1\n"
                         "datapath_type = netdev\n[securitygroup]\nfirewall_driver = noop\n";
  const auto c = parse_agent_config({"--config", path.string(), "--host", "from-flag"},
                                    [](const std::string& name) -> std::optional<std::string> {
                                      if (name == "NEUTRINO_AGENT_SECRET")
                                        return "env-secret";
                                      return std::nullopt;
                                    });
  std::filesystem::remove(path);
  EXPECT_EQ(c.host, "from-flag");
  EXPECT_EQ(c.controllers[0].host, "10.0.0.1");
  EXPECT_EQ(c.tunnel_ip, "192.0.2.7");
  EXPECT_EQ(c.bridge_mappings.at("physnet1"), "br-eth1");
  EXPECT_EQ(c.firewall_driver, "noop");
  EXPECT_EQ(c.agent_secret, "env-secret");
}

TEST(AgentConfigTest, SeveralControllersInTheFlagOrTheFile) {
  const std::vector<std::string> base = {"--host",         "h", "--tunnel-ip", "192.0.2.1",
                                         "--agent-secret", "s"};
  auto with = [&](std::vector<std::string> extra) {
    auto args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return parse_agent_config(args, no_env);
  };
  const auto c = with({"--controller", "ctl-a:9697, 10.0.0.2:9797"});
  ASSERT_EQ(c.controllers.size(), 2u);
  EXPECT_EQ(c.controllers[0], (ControllerAddress{"ctl-a", 9697}));
  EXPECT_EQ(c.controllers[1], (ControllerAddress{"10.0.0.2", 9797}));

  const auto path = std::filesystem::temp_directory_path() / ("agent-" + random::uuid4() + ".ini");
  std::ofstream(path) << "[DEFAULT]\ncontroller = a:1,b:2,c:3\n";
  const auto from_file = with({"--config", path.string()});
  std::filesystem::remove(path);
  EXPECT_EQ(from_file.controllers.size(), 3u);
  EXPECT_EQ(from_file.controllers[2].to_string(), "c:3");

  for (const char* bad : {"", "a:1,,b:2", "a:1,a:1", "a", "a:0", "a:1,b:99999", "a:x", ":1"}) {
    EXPECT_THROW(with({"--controller", bad}), AgentConfigError) << bad;
  }
  try {
    with({"--controller", "a:1,b"});
    ADD_FAILURE() << "accepted a:1,b";
  } catch (const AgentConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("--controller must be HOST:PORT, not 'b'"),
              std::string::npos)
        << e.what();
  }
}

TEST(AgentConfigTest, TlsToTheController) {
  const std::vector<std::string> base = {"--host",         "h", "--tunnel-ip", "192.0.2.1",
                                         "--agent-secret", "s"};
  auto with = [&](std::vector<std::string> extra) {
    auto args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return parse_agent_config(args, no_env);
  };
  EXPECT_TRUE(with({}).controller_ca_file.empty());  // plain TCP unless asked
  const auto c = with({"--controller", "controller.example:9697", "--controller-ca", "/ca.pem",
                       "--tls-cert", "/c.pem", "--tls-key=/k.pem"});
  EXPECT_EQ(c.controllers[0].host, "controller.example");
  EXPECT_EQ(c.controller_ca_file, "/ca.pem");
  EXPECT_EQ(c.tls_cert_file, "/c.pem");
  EXPECT_EQ(c.tls_key_file, "/k.pem");

  const auto path = std::filesystem::temp_directory_path() / ("agent-" + random::uuid4() + ".ini");
  std::ofstream(path) << "[DEFAULT]\ncontroller_ca = /file-ca.pem\ntls_cert = /file-c.pem\n"
                         "tls_key = /file-k.pem\n";
  const auto from_file = with({"--config", path.string(), "--tls-key", "/flag-k.pem"});
  std::filesystem::remove(path);
  EXPECT_EQ(from_file.controller_ca_file, "/file-ca.pem");
  EXPECT_EQ(from_file.tls_cert_file, "/file-c.pem");
  EXPECT_EQ(from_file.tls_key_file, "/flag-k.pem");

  EXPECT_THROW(with({"--controller-ca", "/ca.pem", "--tls-cert", "/c.pem"}), AgentConfigError);
  EXPECT_THROW(with({"--controller-ca", "/ca.pem", "--tls-key", "/k.pem"}), AgentConfigError);
  // A client certificate without TLS would be silently unused.
  EXPECT_THROW(with({"--tls-cert", "/c.pem", "--tls-key", "/k.pem"}), AgentConfigError);
  EXPECT_NE(agent_usage().find("--controller-ca"), std::string::npos);
}

TEST(AgentConfigTest, GuestRateLimitsDefaultToTheHardeningsAndCanBeRaised) {
  const std::vector<std::string> base = {"--host",         "h", "--tunnel-ip", "192.0.2.1",
                                         "--agent-secret", "s"};
  const auto defaults = parse_agent_config(base, no_env);
  EXPECT_EQ(defaults.metadata_rate.per_second, 10);
  EXPECT_EQ(defaults.metadata_rate.burst, 20);
  EXPECT_EQ(defaults.dhcp_rate.per_second, 4);
  EXPECT_EQ(defaults.dhcp_rate.burst, 16);
  auto args = base;
  args.insert(args.end(), {"--metadata-rate-limit", "100000", "--metadata-rate-burst", "200000",
                           "--dhcp-rate-limit", "5000", "--dhcp-rate-burst", "10000"});
  const auto raised = parse_agent_config(args, no_env);
  EXPECT_EQ(raised.metadata_rate.per_second, 100000);
  EXPECT_EQ(raised.metadata_rate.burst, 200000);
  EXPECT_EQ(raised.dhcp_rate.per_second, 5000);
  EXPECT_EQ(raised.dhcp_rate.burst, 10000);
  for (const char* flag : {"--metadata-rate-limit", "--metadata-rate-burst", "--dhcp-rate-limit",
                           "--dhcp-rate-burst"}) {
    for (const char* bad : {"0", "-1", "ten", "1.5"}) {
      auto invalid = base;
      invalid.insert(invalid.end(), {flag, bad});
      EXPECT_THROW(parse_agent_config(invalid, no_env), AgentConfigError) << flag << " " << bad;
    }
  }
}

TEST(AgentConfigTest, RefusesBadInput) {
  const std::vector<std::string> base = {"--host",         "h", "--tunnel-ip", "192.0.2.1",
                                         "--agent-secret", "s"};
  auto with = [&](std::vector<std::string> extra) {
    auto args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return parse_agent_config(args, no_env);
  };
  EXPECT_THROW(with({"--tunnel-ip", "not-an-ip"}), AgentConfigError);
  EXPECT_THROW(with({"--datapath-type", "dpdk"}), AgentConfigError);
  EXPECT_THROW(with({"--firewall-driver", "iptables_hybrid"}), AgentConfigError);
  EXPECT_THROW(with({"--bridge-mappings", "physnet1"}), AgentConfigError);
  EXPECT_THROW(with({"--controller", "nohost"}), AgentConfigError);
  EXPECT_THROW(with({"--frobnicate", "1"}), AgentConfigError);
  EXPECT_THROW(parse_agent_config({"--host", "h", "--tunnel-ip", "192.0.2.1"}, no_env),
               AgentConfigError);  // no secret
  EXPECT_TRUE(parse_agent_config({"--help"}, no_env).show_help);
}

}  // namespace
}  // namespace neutrino::agent
