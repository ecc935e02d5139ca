#include "agent/ovs/ovsdb_connection.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <future>
#include <iostream>
#include <stdexcept>
#include <thread>

#include <boost/asio/post.hpp>

#include "agent/ovs/ovsdb_error.hpp"
#include "tests/unit/agent/ovs/event_log.hpp"
#include "tests/unit/agent/ovs/fake_ovsdb_server.hpp"
#include "tests/unit/agent/ovs/ovsdb_fixture.hpp"

namespace neutrino::agent::ovs::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Connects, retrying while a remote just configured in the database starts listening.
std::unique_ptr<OvsdbConnection> connect_when_listening(boost::asio::io_context& io,
                                                        const std::string& target) {
  const auto deadline = Clock::now() + 5s;
  for (;;) {
    auto connection = std::make_unique<OvsdbConnection>(io);
    try {
      connection->connect(target, 1s);
      return connection;
    } catch (const OvsdbConnectionError&) {
      if (Clock::now() > deadline) {
        throw;
      }
    }
    std::this_thread::sleep_for(20ms);
  }
}

uint16_t free_tcp_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  bind(fd, reinterpret_cast<sockaddr*>(&address), size);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  close(fd);
  return ntohs(address.sin_port);
}

// --- Against a real ovsdb-server --------------------------------------------------------

using OvsdbConnectionTest = OvsdbTest;

TEST_F(OvsdbConnectionTest, CallsAMethodAndGetsItsResult) {
  EXPECT_TRUE(connection_->is_connected());
  EXPECT_EQ(connection_->target(), sandbox_.db_target());
  const Json dbs = connection_->call("list_dbs", Json::array(), 5s);
  ASSERT_TRUE(dbs.is_array());
  EXPECT_NE(std::find(dbs.begin(), dbs.end(), "Open_vSwitch"), dbs.end()) << dbs;
  EXPECT_EQ(connection_->call("echo", Json::array({"ping"}), 5s), Json::array({"ping"}));
}

TEST_F(OvsdbConnectionTest, ServerErrorBecomesOvsdbRpcError) {
  try {
    connection_->call("get_schema", Json::array({"NoSuchDatabase"}), 5s);
    FAIL() << "no exception";
  } catch (const OvsdbRpcError& e) {
    EXPECT_EQ(e.error().value("error", ""), "unknown database") << e.what();
    EXPECT_NE(std::string(e.what()).find("NoSuchDatabase"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(connection_->is_connected());  // an error reply does not end the session
}

TEST_F(OvsdbConnectionTest, ConnectsOverTcp) {
  const std::string port = std::to_string(free_tcp_port());
  sandbox_.vsctl({"set-manager", "ptcp:" + port + ":127.0.0.1"});
  auto tcp = connect_when_listening(io_.io(), "tcp:127.0.0.1:" + port);
  EXPECT_TRUE(tcp->call("list_dbs", Json::array(), 5s).is_array());
}

// ovsdb-server probes an idle client after the Manager's inactivity_probe and drops it when
// the echo goes unanswered, so staying connected through several probes proves the answers.
TEST_F(OvsdbConnectionTest, StaysConnectedThroughTheServersInactivityProbes) {
  const std::string socket = sandbox_.rundir() + "/probe.sock";
  sandbox_.vsctl({"--", "--id=@m", "create", "Manager", "target=\"punix:" + socket + "\"",
                  "inactivity_probe=1000", "--", "set", "Open_vSwitch", ".", "manager_options=@m"});
  auto probed = connect_when_listening(io_.io(), "unix:" + socket);
  EventLog<std::string> disconnects;
  probed->set_disconnect_handler([&](const std::string& reason) { disconnects.push(reason); });
  EXPECT_FALSE(disconnects.wait_for([](const auto&) { return true; }, 3500ms));
  EXPECT_GE(probed->echo_requests_answered(), 2u);
  EXPECT_TRUE(probed->is_connected());
  EXPECT_TRUE(probed->call("list_dbs", Json::array(), 5s).is_array());
  probed->set_disconnect_handler(nullptr);
}

TEST_F(OvsdbConnectionTest, ReportsTheLossWhenOvsdbServerRestarts) {
  EventLog<std::string> disconnects;
  connection_->set_disconnect_handler([&](const std::string& reason) { disconnects.push(reason); });
  const auto start = Clock::now();
  sandbox_.restart_ovsdb_server();
  const auto reason = disconnects.wait_for([](const auto&) { return true; }, 2s);
  ASSERT_TRUE(reason) << "no disconnect reported";
  std::cout << "[ timing  ] ovsdb-server restart + disconnect seen after "
            << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count()
            << " ms: " << *reason << "\n";
  EXPECT_FALSE(connection_->is_connected());
  EXPECT_THROW(connection_->call("list_dbs", Json::array(), 5s), OvsdbConnectionError);
  EXPECT_EQ(disconnects.size(), 1u);
  // Reconnecting is the caller's job: a new connection works.
  auto again = connect();
  EXPECT_TRUE(again->call("list_dbs", Json::array(), 5s).is_array());
}

TEST_F(OvsdbConnectionTest, BlockingCallsAreRefusedOnTheIoThread) {
  std::promise<std::string> outcome;
  boost::asio::post(io_.io(), [&] {
    try {
      connection_->call("list_dbs", Json::array(), 1s);
      outcome.set_value("returned");
    } catch (const std::logic_error&) {
      outcome.set_value("logic_error");
    } catch (...) {
      outcome.set_value("other exception");
    }
  });
  EXPECT_EQ(outcome.get_future().get(), "logic_error");
}

TEST_F(OvsdbConnectionTest, CloseIsNotReportedAsALoss) {
  EventLog<std::string> disconnects;
  connection_->set_disconnect_handler([&](const std::string& reason) { disconnects.push(reason); });
  connection_->close();
  EXPECT_THROW(connection_->call("list_dbs", Json::array(), 5s), OvsdbConnectionError);
  EXPECT_FALSE(connection_->is_connected());
  EXPECT_EQ(disconnects.size(), 0u);
}

// --- Connection failures and protocol details, against a scripted server -----------------

class OvsdbConnectionScriptedTest : public ::testing::Test {
 protected:
  std::unique_ptr<OvsdbConnection> connect() {
    auto connection = std::make_unique<OvsdbConnection>(io_.io());
    connection->set_disconnect_handler(
        [this](const std::string& reason) { disconnects_.push(reason); });
    connection->set_notification_handler([this](const std::string& method, const Json& params) {
      notifications_.push(Json::array({method, params}));
    });
    connection->connect(server_.target(), 5s);
    server_.accept();
    return connection;
  }

  IoThread io_;
  FakeOvsdbServer server_;
  EventLog<std::string> disconnects_;
  EventLog<Json> notifications_;
};

TEST(OvsdbConnectionTargets, MalformedTargetsAreRejected) {
  IoThread io;
  for (const std::string target : {"", "db.sock", "unix:", "tcp:localhost:6640", "tcp:127.0.0.1:0",
                                   "tcp:127.0.0.1:70000", "ssl:1.2.3.4:1"}) {
    OvsdbConnection connection(io.io());
    EXPECT_THROW(connection.connect(target, 1s), std::invalid_argument) << target;
  }
}

TEST(OvsdbConnectionTargets, MissingSocketFailsAtOnce) {
  IoThread io;
  OvsdbConnection connection(io.io());
  const auto start = Clock::now();
  EXPECT_THROW(connection.connect("unix:/tmp/ntr-ovs-does-not-exist.sock", 5s),
               OvsdbConnectionError);
  EXPECT_LT(Clock::now() - start, 1s);
  EXPECT_FALSE(connection.is_connected());
}

TEST_F(OvsdbConnectionScriptedTest, AnswersEchoRequestsWithTheirParams) {
  auto connection = connect();
  server_.send({{"id", "e1"}, {"method", "echo"}, {"params", Json::array({"x", 1})}});
  const auto reply = server_.receive();
  ASSERT_TRUE(reply);
  EXPECT_EQ(*reply, Json::parse(R"({"id":"e1","result":["x",1],"error":null})"));
  EXPECT_EQ(connection->echo_requests_answered(), 1u);
}

TEST_F(OvsdbConnectionScriptedTest, MatchesRepliesToRequestsById) {
  auto connection = connect();
  auto first =
      std::async(std::launch::async, [&] { return connection->call("m1", Json::array(), 5s); });
  const auto request1 = server_.receive();
  auto second =
      std::async(std::launch::async, [&] { return connection->call("m2", Json::array(), 5s); });
  const auto request2 = server_.receive();
  ASSERT_TRUE(request1 && request2);
  EXPECT_EQ((*request1)["method"], "m1");
  EXPECT_EQ((*request2)["method"], "m2");
  EXPECT_NE((*request1)["id"], (*request2)["id"]);
  // Answered out of order, with a notification in between.
  server_.send({{"id", (*request2)["id"]}, {"result", "two"}, {"error", nullptr}});
  server_.send(
      {{"id", nullptr}, {"method", "update"}, {"params", Json::array({"m", Json::object()})}});
  server_.send({{"id", (*request1)["id"]}, {"result", "one"}, {"error", nullptr}});
  EXPECT_EQ(first.get(), "one");
  EXPECT_EQ(second.get(), "two");
  const auto note = notifications_.wait_for([](const Json&) { return true; });
  ASSERT_TRUE(note);
  EXPECT_EQ((*note)[0], "update");
}

TEST_F(OvsdbConnectionScriptedTest, TimedOutCallIgnoresTheLateReplyAndTheSessionGoesOn) {
  auto connection = connect();
  EXPECT_THROW(connection->call("slow", Json::array(), 100ms), OvsdbTimeoutError);
  const auto request = server_.receive();
  ASSERT_TRUE(request);
  server_.send({{"id", (*request)["id"]}, {"result", "late"}, {"error", nullptr}});
  auto next =
      std::async(std::launch::async, [&] { return connection->call("next", Json::array(), 5s); });
  const auto request2 = server_.receive();
  ASSERT_TRUE(request2);
  server_.send({{"id", (*request2)["id"]}, {"result", "next"}, {"error", nullptr}});
  EXPECT_EQ(next.get(), "next");
  EXPECT_TRUE(connection->is_connected());
}

TEST_F(OvsdbConnectionScriptedTest, PendingCallsFailWhenTheServerHangsUp) {
  auto connection = connect();
  auto call =
      std::async(std::launch::async, [&] { return connection->call("never", Json::array(), 5s); });
  ASSERT_TRUE(server_.receive());
  server_.hang_up();
  EXPECT_THROW(call.get(), OvsdbConnectionError);
  EXPECT_TRUE(disconnects_.wait_for([](const auto&) { return true; }, 2s));
  EXPECT_FALSE(connection->is_connected());
}

TEST_F(OvsdbConnectionScriptedTest, OwnProbeDropsASilentServer) {
  auto connection = connect();
  connection->set_probe_interval(100ms);
  const auto probe = server_.receive(2s);
  ASSERT_TRUE(probe);
  EXPECT_EQ((*probe)["method"], "echo");
  const auto reason = disconnects_.wait_for([](const auto&) { return true; }, 2s);
  ASSERT_TRUE(reason);
  EXPECT_NE(reason->find("probe"), std::string::npos) << *reason;
}

TEST_F(OvsdbConnectionScriptedTest, GarbageFromTheServerEndsTheSession) {
  auto connection = connect();
  server_.send("not json");  // a JSON string, which no JSON-RPC message can be
  const auto reason = disconnects_.wait_for([](const auto&) { return true; }, 2s);
  ASSERT_TRUE(reason);
  EXPECT_FALSE(connection->is_connected());
}

TEST_F(OvsdbConnectionScriptedTest, DeeplyNestedMessageEndsTheSessionWithoutCrashing) {
  auto connection = connect();
  const size_t depth = 1'000'000;
  server_.send_raw(R"({"id":null,"method":"update","params":)" + std::string(depth, '[') +
                   std::string(depth, ']') + "}");
  const auto reason = disconnects_.wait_for([](const auto&) { return true; }, 5s);
  ASSERT_TRUE(reason);
  EXPECT_NE(reason->find("nested deeper than 64 levels"), std::string::npos) << *reason;
  EXPECT_LT(reason->size(), 400u);
  EXPECT_FALSE(connection->is_connected());
  EXPECT_FALSE(notifications_.wait_for([](const Json&) { return true; }, 100ms));
}

}  // namespace
}  // namespace neutrino::agent::ovs::testing
