#include "agent/app/metadata_upstream.hpp"

#include <gtest/gtest.h>

#include <boost/beast/core.hpp>
#include <future>
#include <thread>

#include "tests/unit/agent/app/fake_metadata_service.hpp"

namespace neutrino::agent {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using namespace std::chrono_literals;

struct Outcome {
  boost::system::error_code ec;
  MetadataUpstream::Response response;
  std::chrono::steady_clock::duration took;
};

class MetadataUpstreamTest : public ::testing::Test {
 protected:
  std::shared_ptr<MetadataUpstream> make(MetadataUpstreamLimits limits = {}, uint16_t port = 0) {
    return std::make_shared<MetadataUpstream>(io_, "127.0.0.1", port ? port : service_.port(),
                                              limits);
  }

  static MetadataUpstream::Request get(const std::string& target,
                                       http::verb verb = http::verb::get) {
    MetadataUpstream::Request request(verb, target, 11);
    request.set(http::field::host, "controller");
    request.set("X-Instance-ID", "i-1");
    request.keep_alive(true);
    return request;
  }

  // Sends every request at once and runs the loop until all are answered.
  std::vector<Outcome> send_all(MetadataUpstream& upstream,
                                std::vector<MetadataUpstream::Request> requests) {
    std::vector<Outcome> outcomes(requests.size());
    const auto started = std::chrono::steady_clock::now();
    size_t pending = requests.size();
    for (size_t i = 0; i < requests.size(); ++i) {
      upstream.async_send(std::move(requests[i]), [&, i](boost::system::error_code ec,
                                                         MetadataUpstream::Response r) {
        outcomes[i] = {ec, std::move(r), std::chrono::steady_clock::now() - started};
        --pending;
      });
    }
    io_.restart();
    while (pending > 0 && io_.run_one_for(5s) > 0) {
    }
    EXPECT_EQ(pending, 0u);
    return outcomes;
  }

  Outcome send_one(MetadataUpstream& upstream, MetadataUpstream::Request request) {
    std::vector<MetadataUpstream::Request> one;
    one.push_back(std::move(request));
    return send_all(upstream, std::move(one)).front();
  }

  testing::FakeMetadataService service_;
  asio::io_context io_;
};

TEST_F(MetadataUpstreamTest, SequentialRequestsShareOneKeptConnection) {
  auto upstream = make();
  for (int i = 0; i < 5; ++i) {
    const auto outcome = send_one(*upstream, get("/latest/meta-data/" + std::to_string(i)));
    ASSERT_FALSE(outcome.ec) << outcome.ec.message();
    EXPECT_EQ(outcome.response.result_int(), 200u);
    EXPECT_EQ(outcome.response.body(),
              "GET /latest/meta-data/" + std::to_string(i) + " id=i-1 tenant= for= sig=");
  }
  EXPECT_EQ(service_.connections(), 1);
  EXPECT_EQ(upstream->stats().connections_opened, 1u);
  EXPECT_EQ(upstream->stats().reused, 4u);
  EXPECT_EQ(upstream->stats().idle, 1u);
}

TEST_F(MetadataUpstreamTest, AKeptConnectionTheServerDroppedIsRetriedOnceOnAFreshOne) {
  auto upstream = make();
  ASSERT_FALSE(send_one(*upstream, get("/first")).ec);
  service_.drop_next_request();
  const auto outcome = send_one(*upstream, get("/second"));
  ASSERT_FALSE(outcome.ec) << outcome.ec.message();
  EXPECT_EQ(outcome.response.result_int(), 200u);
  EXPECT_EQ(upstream->stats().retried, 1u);
  EXPECT_EQ(service_.connections(), 2);
}

TEST_F(MetadataUpstreamTest, AFreshConnectionThatFailsIsNotRetried) {
  auto upstream = make();
  service_.drop_next_request();
  const auto outcome = send_one(*upstream, get("/x"));
  EXPECT_TRUE(outcome.ec);
  EXPECT_EQ(upstream->stats().retried, 0u);
}

TEST_F(MetadataUpstreamTest, AStalledServerCostsTheAnswerDeadlineAndNoMore) {
  MetadataUpstreamLimits limits;
  limits.answer_timeout = 300ms;
  auto upstream = make(limits);
  service_.set_stall(true);
  const auto outcome = send_one(*upstream, get("/slow"));
  EXPECT_EQ(outcome.ec, beast::error::timeout) << outcome.ec.message();
  EXPECT_GE(outcome.took, 250ms);
  EXPECT_LT(outcome.took, 2s);
  EXPECT_EQ(upstream->stats().in_flight, 0u);
}

TEST_F(MetadataUpstreamTest, NobodyListeningIsAnErrorAtOnce) {
  uint16_t closed_port;
  {
    asio::ip::tcp::acceptor probe(io_, {asio::ip::make_address("127.0.0.1"), 0});
    closed_port = probe.local_endpoint().port();
  }
  auto upstream = make({}, closed_port);
  const auto outcome = send_one(*upstream, get("/x"));
  EXPECT_EQ(outcome.ec, asio::error::connection_refused) << outcome.ec.message();
  EXPECT_LT(outcome.took, 1s);
}

TEST_F(MetadataUpstreamTest, RequestsBeyondTheConnectionLimitWaitTheirTurn) {
  MetadataUpstreamLimits limits;
  limits.max_connections = 2;
  limits.max_queued = 2;
  auto upstream = make(limits);
  service_.set_delay(100ms);
  std::vector<MetadataUpstream::Request> requests;
  for (int i = 0; i < 5; ++i) {
    requests.push_back(get("/" + std::to_string(i)));
  }
  const auto outcomes = send_all(*upstream, std::move(requests));
  for (int i = 0; i < 4; ++i) {
    EXPECT_FALSE(outcomes[i].ec) << i << ": " << outcomes[i].ec.message();
  }
  // Two in flight and two queued: the fifth is refused at once rather than queued unbounded.
  EXPECT_EQ(outcomes[4].ec, asio::error::no_buffer_space);
  EXPECT_LT(outcomes[4].took, 50ms);
  EXPECT_GE(outcomes[2].took, 180ms);  // waited for a first answer
  EXPECT_LE(service_.connections(), 2);
}

TEST_F(MetadataUpstreamTest, QueuedRequestsTimeOutAtTheirDeadline) {
  MetadataUpstreamLimits limits;
  limits.max_connections = 1;
  limits.answer_timeout = 300ms;
  auto upstream = make(limits);
  service_.set_stall(true);
  std::vector<MetadataUpstream::Request> requests;
  requests.push_back(get("/a"));
  requests.push_back(get("/b"));
  const auto outcomes = send_all(*upstream, std::move(requests));
  EXPECT_EQ(outcomes[0].ec, beast::error::timeout);
  EXPECT_EQ(outcomes[1].ec, beast::error::timeout);
  EXPECT_LT(outcomes[1].took, 1s);
}

TEST_F(MetadataUpstreamTest, HeadAnswersCarryNoBody) {
  auto upstream = make();
  const auto outcome = send_one(*upstream, get("/h", http::verb::head));
  ASSERT_FALSE(outcome.ec) << outcome.ec.message();
  EXPECT_EQ(outcome.response.result_int(), 200u);
  EXPECT_EQ(outcome.response[http::field::content_length],
            std::to_string(std::string("HEAD /h id=i-1 tenant= for= sig=").size()));
  EXPECT_TRUE(outcome.response.body().empty());
  EXPECT_LT(outcome.took, 1s);
}

TEST_F(MetadataUpstreamTest, CloseFailsQueuedRequests) {
  MetadataUpstreamLimits limits;
  limits.max_connections = 1;
  auto upstream = make(limits);
  service_.set_delay(200ms);
  std::vector<Outcome> outcomes(2);
  int pending = 2;
  for (int i = 0; i < 2; ++i) {
    upstream->async_send(get("/" + std::to_string(i)),
                         [&, i](boost::system::error_code ec, MetadataUpstream::Response r) {
                           outcomes[i] = {ec, std::move(r), {}};
                           --pending;
                         });
  }
  upstream->close();
  while (pending > 0 && io_.run_one_for(5s) > 0) {
  }
  EXPECT_FALSE(outcomes[0].ec);
  EXPECT_EQ(outcomes[1].ec, asio::error::operation_aborted);
}

}  // namespace
}  // namespace neutrino::agent
