// OpenFlowConnection against a scripted peer: the protocol corners a real switch does not
// produce on demand.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "dataplane/openflow/connection_error.hpp"
#include "dataplane/openflow/openflow_connection.hpp"
#include "dataplane/openflow/openflow_error.hpp"
#include "tests/unit/dataplane/openflow/fake_switch.hpp"
#include "tests/unit/dataplane/openflow/wire.hpp"

namespace neutrino::dataplane::openflow {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

const OpenFlowConnection::Options kQuick{.timeout = 500ms};

// Connects to `fake`, which answers with `hello`; returns the client's HELLO as the fake saw it.
std::unique_ptr<OpenFlowConnection> connect(FakeSwitch& fake, const Message& hello,
                                            Message* client_hello = nullptr) {
  auto server = std::async(std::launch::async, [&] {
    fake.accept();
    fake.send(hello);
    return fake.receive();
  });
  auto connection = std::make_unique<OpenFlowConnection>("unix:" + fake.path(), kQuick);
  auto received = server.get();
  if (client_hello && received) {
    *client_hello = *received;
  }
  return connection;
}

TEST(OpenFlowConnectionFakeTest, SendsHelloAndNegotiatesOpenFlow13) {
  FakeSwitch fake;
  Message client_hello;
  auto connection = connect(fake, wire::hello(0x06), &client_hello);
  EXPECT_EQ(connection->version(), kOpenFlow13);
  EXPECT_TRUE(connection->connected());
  EXPECT_EQ(client_hello[0], kOpenFlow13);
  EXPECT_EQ(client_hello[1], wire::kHello);
}

TEST(OpenFlowConnectionFakeTest, AnswersTheSwitchsEchoRequests) {
  FakeSwitch fake;
  auto connection = connect(fake, wire::hello(kOpenFlow13));
  fake.send(wire::message(kOpenFlow13, wire::kEchoRequest, 0x77, {'p', 'i', 'n', 'g'}));
  EXPECT_EQ(fake.receive(),
            wire::message(kOpenFlow13, wire::kEchoReply, 0x77, {'p', 'i', 'n', 'g'}));
  fake.send(wire::message(kOpenFlow13, wire::kEchoRequest, 0x78));
  EXPECT_EQ(fake.receive(), wire::message(kOpenFlow13, wire::kEchoReply, 0x78));
  EXPECT_EQ(connection->echo_requests_answered(), 2u);
}

TEST(OpenFlowConnectionFakeTest, RefusesASwitchWithoutOpenFlow13) {
  FakeSwitch fake;
  auto server = std::async(std::launch::async, [&] {
    fake.accept();
    fake.send(wire::hello(0x01));
    std::vector<Message> received;
    while (auto message = fake.receive()) {
      received.push_back(*message);
    }
    return received;
  });
  try {
    OpenFlowConnection connection(fake.path(), kQuick);
    FAIL() << "expected OFPHFC_INCOMPATIBLE";
  } catch (const OpenFlowError& e) {
    EXPECT_EQ(e.name(), "OFPHFC_INCOMPATIBLE");
    EXPECT_EQ(e.type_name(), "OFPET_HELLO_FAILED");
  }
  // Our HELLO, then the error telling the switch why, then we hung up.
  const std::vector<Message> received = server.get();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[0][1], wire::kHello);
  EXPECT_EQ(received[1][0], 0x01);
  EXPECT_EQ(received[1][1], wire::kError);
}

TEST(OpenFlowConnectionFakeTest, SilentPeerTimesOutTheHandshake) {
  FakeSwitch fake;
  auto server = std::async(std::launch::async, [&] {
    fake.accept();
    return fake.receive();
  });
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(OpenFlowConnection(fake.path(), kQuick), ConnectionError);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  server.get();
}

TEST(OpenFlowConnectionFakeTest, NothingListeningIsAConnectionError) {
  EXPECT_THROW(OpenFlowConnection("unix:/tmp/ntr-of-no-such-dir/x.mgmt", kQuick), ConnectionError);
  EXPECT_THROW(OpenFlowConnection("unix:/tmp/" + std::string(200, 'x'), kQuick), ConnectionError);
  EXPECT_THROW(OpenFlowConnection("tcp:127.0.0.1:6653", kQuick), std::invalid_argument);
}

TEST(OpenFlowConnectionFakeTest, RepliesAreMatchedByXidAndErrorsSurface) {
  FakeSwitch fake;
  auto connection = connect(fake, wire::hello(kOpenFlow13));
  auto call = std::async(std::launch::async, [&] {
    connection->add_flows({"priority=1,actions=group:99", "priority=2,actions=drop"});
  });
  const Message first = *fake.receive();
  const Message second = *fake.receive();
  const Message barrier = *fake.receive();
  EXPECT_EQ(first[1], wire::kFlowMod);
  EXPECT_EQ(second[1], wire::kFlowMod);
  EXPECT_EQ(barrier[1], wire::kBarrierRequest);
  // An unrelated message first (no pending xid): passed over, not mistaken for the answer.
  fake.send(wire::message(kOpenFlow13, wire::kEchoReply, 0xfffffff0));
  fake.send(wire::error(2, 9, wire::get32(first, 4)));
  fake.send(wire::message(kOpenFlow13, wire::kBarrierReply, wire::get32(barrier, 4)));
  try {
    call.get();
    FAIL() << "expected OpenFlowError";
  } catch (const OpenFlowError& e) {
    EXPECT_EQ(e.name(), "OFPBAC_BAD_OUT_GROUP");
    EXPECT_EQ(e.request(), "add priority=1,actions=group:99");
  }
  EXPECT_TRUE(connection->connected());
}

TEST(OpenFlowConnectionFakeTest, UnansweredRequestTimesOut) {
  FakeSwitch fake;
  auto connection = connect(fake, wire::hello(kOpenFlow13));
  try {
    connection->barrier();
    FAIL() << "expected ConnectionError";
  } catch (const ConnectionError& e) {
    EXPECT_THAT(e.what(), HasSubstr("within 500 ms to barrier"));
  }
}

TEST(OpenFlowConnectionFakeTest, HangUpFailsPendingAndLaterCalls) {
  FakeSwitch fake;
  auto connection = connect(fake, wire::hello(kOpenFlow13));
  auto call = std::async(std::launch::async, [&] { return connection->dump_flows(); });
  EXPECT_EQ((*fake.receive())[1], wire::kMultipartRequest);
  fake.disconnect();
  EXPECT_THROW(call.get(), ConnectionError);
  EXPECT_FALSE(connection->connected());
  EXPECT_THROW(connection->barrier(), ConnectionError);
}

TEST(OpenFlowConnectionFakeTest, MultipartRepliesAreReassembled) {
  FakeSwitch fake;
  auto connection = connect(fake, wire::hello(kOpenFlow13));
  auto call = std::async(std::launch::async, [&] { return connection->dump_flows(); });
  const Message request = *fake.receive();
  const std::uint32_t xid = wire::get32(request, 4);
  fake.send(wire::message(kOpenFlow13, wire::kMultipartReply, xid, {0, 1, 0, 1, 0, 0, 0, 0}));
  // Nothing may complete the call before the last part.
  EXPECT_EQ(call.wait_for(100ms), std::future_status::timeout);
  fake.send(wire::message(kOpenFlow13, wire::kMultipartReply, xid, {0, 1, 0, 0, 0, 0, 0, 0}));
  EXPECT_TRUE(call.get().empty());
}

// The deadline is for the switch's silence: a long dump whose parts keep coming completes
// however long it takes in all, and one that stops coming fails after the timeout.
TEST(OpenFlowConnectionFakeTest, EachPartOfALongReplyStartsTheDeadlineAgain) {
  FakeSwitch fake;
  auto connection = connect(fake, wire::hello(kOpenFlow13));
  auto call = std::async(std::launch::async, [&] { return connection->dump_flows(); });
  const std::uint32_t xid = wire::get32(*fake.receive(), 4);
  for (int part = 0; part < 4; ++part) {  // 4 x 300 ms: more than the 500 ms timeout in all
    std::this_thread::sleep_for(300ms);
    fake.send(wire::message(kOpenFlow13, wire::kMultipartReply, xid, {0, 1, 0, 1, 0, 0, 0, 0}));
  }
  fake.send(wire::message(kOpenFlow13, wire::kMultipartReply, xid, {0, 1, 0, 0, 0, 0, 0, 0}));
  EXPECT_TRUE(call.get().empty());

  auto stalled = std::async(std::launch::async, [&] { return connection->dump_flows(); });
  const std::uint32_t next = wire::get32(*fake.receive(), 4);
  fake.send(wire::message(kOpenFlow13, wire::kMultipartReply, next, {0, 1, 0, 1, 0, 0, 0, 0}));
  EXPECT_THROW(stalled.get(), ConnectionError);
}

TEST(OpenFlowConnectionFakeTest, UnsolicitedMessagesGoToTheHandler) {
  FakeSwitch fake;
  auto connection = connect(fake, wire::hello(kOpenFlow13));
  std::promise<Message> seen;
  connection->set_unsolicited_handler([&](std::span<const std::uint8_t> message) {
    seen.set_value(Message(message.begin(), message.end()));
  });
  // OFPT_PORT_STATUS (12) with a zeroed body is enough to route.
  const Message port_status = wire::message(kOpenFlow13, 12, 0, {});
  fake.send(port_status);
  auto future = seen.get_future();
  ASSERT_EQ(future.wait_for(2s), std::future_status::ready);
  EXPECT_EQ(future.get(), port_status);
}

// The owner learns of a lost switch from the event, not by polling connected().
TEST(OpenFlowConnectionFakeTest, HangUpRunsTheCloseHandlerOnce) {
  FakeSwitch fake;
  auto connection = connect(fake, wire::hello(kOpenFlow13));
  std::promise<std::string> closed;
  std::atomic<int> calls{0};
  connection->set_close_handler([&](const std::string& reason) {
    if (calls++ == 0) {
      closed.set_value(reason);
    }
  });
  fake.disconnect();
  auto future = closed.get_future();
  ASSERT_EQ(future.wait_for(5s), std::future_status::ready);
  EXPECT_THAT(future.get(), HasSubstr("closed"));
  EXPECT_FALSE(connection->connected());
  EXPECT_EQ(calls.load(), 1);
}

TEST(OpenFlowConnectionFakeTest, CloseHandlerSetAfterTheHangUpRunsAtOnce) {
  FakeSwitch fake;
  auto connection = connect(fake, wire::hello(kOpenFlow13));
  fake.disconnect();
  EXPECT_THROW(connection->echo(), ConnectionError);
  bool called = false;
  connection->set_close_handler([&](const std::string&) { called = true; });
  EXPECT_TRUE(called);
}

TEST(OpenFlowConnectionFakeTest, DestroyingTheConnectionRunsNoCloseHandler) {
  FakeSwitch fake;
  auto connection = connect(fake, wire::hello(kOpenFlow13));
  std::atomic<bool> called{false};
  connection->set_close_handler([&](const std::string&) { called = true; });
  connection.reset();
  EXPECT_FALSE(called.load());
}

}  // namespace
}  // namespace neutrino::dataplane::openflow
