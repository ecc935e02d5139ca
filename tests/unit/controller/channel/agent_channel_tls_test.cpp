// The push channel over TLS, end to end on loopback: a real controller and real agent channel
// clients with a throw-away CA, a controller certificate for 127.0.0.1 and an agent
// certificate.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <chrono>
#include <stdexcept>
#include <thread>

#include "common/channel/frame_codec.hpp"
#include "tests/support/test_pki.hpp"
#include "tests/unit/controller/channel/test_agent.hpp"
#include "tests/unit/controller/channel/test_controller.hpp"

namespace neutrino {
namespace {

using namespace std::chrono_literals;
using testing::TestAgent;
using testing::TestController;
namespace asio = boost::asio;

// Long enough for a TLS agent on loopback to connect many times over, so an agent that has
// no snapshot by then was refused.
constexpr auto kRefusalWait = 1500ms;

// What a raw plain-TCP client receives before the controller hangs up on it, after sending
// `first_bytes` (nothing, like a plain agent waiting for its challenge, or a plaintext frame).
std::string plain_client_receives(uint16_t port, const std::string& first_bytes) {
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  const timeval timeout{10, 0};  // the controller must hang up well before this
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  if (!first_bytes.empty()) {
    asio::write(socket, asio::buffer(first_bytes));
  }
  std::string received;
  std::array<char, 4096> buffer{};
  for (;;) {
    boost::system::error_code ec;
    const size_t n = socket.read_some(asio::buffer(buffer), ec);
    received.append(buffer.data(), n);
    if (ec == asio::error::eof || ec == asio::error::connection_reset) {
      return received;
    }
    if (ec) {
      throw std::runtime_error("the controller did not hang up: " + ec.message());
    }
  }
}

class AgentChannelTlsTest : public ::testing::Test {
 protected:
  // A controller whose channel serves `server` over TLS; with `mutual`, it also demands agent
  // certificates from this test's CA.
  std::unique_ptr<TestController> controller(const testing::PemFiles& server, bool mutual = false) {
    return std::make_unique<TestController>([&](controller::ControllerConfig& config) {
      config.agent_tls_cert_file = server.cert_file;
      config.agent_tls_key_file = server.key_file;
      config.agent_tls_ca_file = mutual ? pki_.ca_file() : "";
    });
  }
  std::unique_ptr<TestController> controller(bool mutual = false) {
    return controller(server_, mutual);
  }

  // An agent trusting `ca_file`, optionally presenting `identity`.
  static agent::ChannelClientOptions agent(const TestController& controller,
                                           const std::string& host, const std::string& ca_file,
                                           const testing::PemFiles& identity = {}) {
    auto options =
        TestAgent::options(controller.agent_port(), host, TestController::kSecret, "192.0.2.1");
    options.tls = {identity.cert_file, identity.key_file, ca_file};
    return options;
  }

  testing::TestPki pki_;
  const testing::PemFiles server_ = pki_.issue("controller", "127.0.0.1", "IP:127.0.0.1");
  const testing::PemFiles client_ = pki_.issue("agent", "host-a");
};

TEST_F(AgentChannelTlsTest, TlsAgentGetsSnapshotAndDeltasAndIsAlive) {
  auto c = controller();
  TestAgent a(agent(*c, "host-a", pki_.ca_file()));
  ASSERT_TRUE(a.wait_for([](const auto& s) { return s.empty(); }));
  const Json list = c->agents();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["host"], "host-a");
  EXPECT_EQ(list[0]["alive"], true);

  const std::string net =
      c->api("POST", "/v2.0/networks", {{"network", {{"name", "n"}}}})["network"]["id"];
  c->api("POST", "/v2.0/subnets",
         {{"subnet", {{"network_id", net}, {"ip_version", 4}, {"cidr", "10.1.0.0/24"}}}});
  const std::string port =
      c->api("POST", "/v2.0/ports",
             {{"port", {{"network_id", net}, {"binding:host_id", "host-a"}}}})["port"]["id"];
  ASSERT_TRUE(a.wait_for([&](const auto& s) { return s.contains("port:" + port); }));
  a.ack({port});
  for (int i = 0; i < 50 && c->api("GET", "/v2.0/ports/" + port)["port"]["status"] != "ACTIVE";
       ++i) {
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(c->api("GET", "/v2.0/ports/" + port)["port"]["status"], "ACTIVE");
  c->api("DELETE", "/v2.0/ports/" + port);
  ASSERT_TRUE(a.wait_for([&](const auto& s) { return !s.contains("port:" + port); }));
}

TEST_F(AgentChannelTlsTest, SecretIsStillCheckedOverTls) {
  auto c = controller();
  auto options = agent(*c, "evil", pki_.ca_file());
  options.secret = "not-the-secret";
  TestAgent intruder(options);
  EXPECT_FALSE(intruder.connected_within(kRefusalWait));
  EXPECT_TRUE(c->agents().empty());
}

TEST_F(AgentChannelTlsTest, PlainAgentIsRefused) {
  auto c = controller();
  TestAgent plain(c->agent_port(), "host-a", TestController::kSecret, "192.0.2.1");
  EXPECT_FALSE(plain.connected_within(kRefusalWait));
  EXPECT_TRUE(c->agents().empty());
  // Nothing is ever said in the clear: a plaintext frame gets a TLS alert and a hang-up, and
  // a silent plain client (a plain agent waiting for its challenge) is dropped after the
  // handshake deadline (three heartbeats) without a byte.
  const std::string answer = plain_client_receives(
      c->agent_port(), channel::encode_frame({{"type", "hello"}, {"host", "host-a"}}));
  EXPECT_EQ(answer.find("challenge"), std::string::npos) << answer;
  const auto begin = std::chrono::steady_clock::now();
  EXPECT_EQ(plain_client_receives(c->agent_port(), ""), "");
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 5s);
}

TEST_F(AgentChannelTlsTest, AgentTrustingAnotherCaRefusesTheController) {
  auto c = controller();
  testing::TestPki other("Some other CA");
  TestAgent a(agent(*c, "host-a", other.ca_file()));
  EXPECT_FALSE(a.connected_within(kRefusalWait));
  EXPECT_TRUE(c->agents().empty());
  // And the other way round: a controller certificate for the right address, from a CA the
  // agent does not trust.
  const testing::PemFiles forged = other.issue("forged", "127.0.0.1", "IP:127.0.0.1");
  auto impostor = controller(forged);
  TestAgent b(agent(*impostor, "host-b", pki_.ca_file()));
  EXPECT_FALSE(b.connected_within(kRefusalWait));
  EXPECT_TRUE(impostor->agents().empty());
}

TEST_F(AgentChannelTlsTest, TlsAgentNeverFallsBackToPlainTcp) {
  TestController plain;
  TestAgent a(agent(plain, "host-a", pki_.ca_file()));
  EXPECT_FALSE(a.connected_within(kRefusalWait));
  EXPECT_TRUE(plain.agents().empty());
}

TEST_F(AgentChannelTlsTest, AgentChecksTheControllerName) {
  // Issued for the name only: reached by that name it is accepted, by address it is not.
  auto c = controller(pki_.issue("named", "localhost", "DNS:localhost"));
  auto by_name = agent(*c, "host-a", pki_.ca_file());
  by_name.controllers[0].host = "localhost";
  TestAgent a(by_name);
  EXPECT_TRUE(a.connected_within(5s));
  TestAgent b(agent(*c, "host-b", pki_.ca_file()));  // 127.0.0.1
  EXPECT_FALSE(b.connected_within(kRefusalWait));
  ASSERT_EQ(c->agents().size(), 1u);
  EXPECT_EQ(c->agents()[0]["host"], "host-a");
}

TEST_F(AgentChannelTlsTest, MutualTlsNeedsAnAgentCertificateFromTheCa) {
  auto c = controller(true);
  TestAgent without(agent(*c, "host-b", pki_.ca_file()));
  testing::TestPki other("Some other CA");
  TestAgent foreign(
      agent(*c, "host-c", pki_.ca_file(), other.issue("agent", "host-c", "DNS:host-c")));
  TestAgent with(agent(*c, "host-a", pki_.ca_file(), client_));
  EXPECT_TRUE(with.connected_within(5s));
  EXPECT_FALSE(without.connected_within(kRefusalWait));
  EXPECT_FALSE(foreign.connected_within(100ms));
  const Json list = c->agents();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["host"], "host-a");
  EXPECT_EQ(list[0]["alive"], true);
}

TEST_F(AgentChannelTlsTest, UnusableFilesStopTheController) {
  const testing::PemFiles missing_cert{"/nonexistent/cert.pem", server_.key_file};
  const testing::PemFiles wrong_key{server_.cert_file, client_.key_file};
  const std::vector<std::pair<std::function<void(controller::ControllerConfig&)>, std::string>>
      cases = {
          {[&](auto& c) {
             c.agent_tls_cert_file = missing_cert.cert_file;
             c.agent_tls_key_file = missing_cert.key_file;
           },
           "/nonexistent/cert.pem: No such file"},
          {[&](auto& c) {
             c.agent_tls_cert_file = wrong_key.cert_file;
             c.agent_tls_key_file = wrong_key.key_file;
           },
           "mismatch"},
          {[&](auto& c) {
             c.agent_tls_cert_file = server_.cert_file;
             c.agent_tls_key_file = server_.key_file;
             c.agent_tls_ca_file = "/nonexistent/ca.pem";
           },
           "/nonexistent/ca.pem"},
          {[&](auto& c) {
             c.agent_tls_cert_file = server_.cert_file;
             c.agent_tls_key_file = server_.key_file;
             c.agent_tls_ca_file = server_.key_file;  // no certificate in it
           },
           server_.key_file},
      };
  for (const auto& [customise, expected] : cases) {
    try {
      TestController c(customise);
      ADD_FAILURE() << "started; expected an error with " << expected;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("agent channel"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
    }
  }
}

TEST_F(AgentChannelTlsTest, UnusableFilesStopTheAgent) {
  asio::io_context io;
  auto options = TestAgent::options(1, "host-a", TestController::kSecret, "192.0.2.1");
  options.tls.ca_file = "/nonexistent/ca.pem";
  EXPECT_THROW(agent::ChannelClient(io, options, {}), std::runtime_error);
  options.tls = {client_.cert_file, server_.key_file, pki_.ca_file()};
  EXPECT_THROW(agent::ChannelClient(io, options, {}), std::runtime_error);
  options.tls = {client_.cert_file, client_.key_file, ""};  // a certificate without TLS
  EXPECT_THROW(agent::ChannelClient(io, options, {}), std::runtime_error);
}

}  // namespace
}  // namespace neutrino
