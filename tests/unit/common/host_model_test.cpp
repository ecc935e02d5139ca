// The typed host model: deltas decode only what they name, an undecodable object is dropped
// alone, the by-network lookups follow moves, and any sequence of deltas ends where decoding
// the final state from scratch does.
#include "common/model/host_model.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

namespace neutrino::model {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

Json port(const std::string& id, const std::string& network, const std::string& ip) {
  Port p{id,   network, "fa:16:3e:00:00:01",   true, true, "compute:nova",
         "vm", "proj",  {{"s-" + network, ip}}};
  return p;
}

Json subnet(const std::string& id, const std::string& network) {
  return Subnet{id, network, "10.0.0.0/24", "10.0.0.1", true, 4, {}, {}};
}

Json delta(Json set, Json remove = Json::array()) {
  return {{"set", std::move(set)}, {"remove", std::move(remove)}};
}

std::vector<std::string> ids(const std::vector<const Port*>& ports) {
  std::vector<std::string> out;
  for (const Port* p : ports) {
    out.push_back(p->id);
  }
  return out;
}

TEST(HostModelTest, DecodesTheObjectsADeltaSetsAndSaysWhatChanged) {
  HostModel model;
  const auto changed = model.apply_delta(
      delta({{"port:p1", port("p1", "n1", "10.0.0.5")}, {"subnet:s1", subnet("s1", "n1")}}));
  EXPECT_THAT(changed.at(ObjectKind::kPort), ElementsAre("p1"));
  EXPECT_THAT(changed.at(ObjectKind::kSubnet), ElementsAre("s1"));
  ASSERT_NE(model.port("p1"), nullptr);
  EXPECT_EQ(model.port("p1")->fixed_ips.at(0).ip_address, "10.0.0.5");
  EXPECT_EQ(model.subnets_of_network("n1").at(0)->id, "s1");
  EXPECT_EQ(model.network("n1"), nullptr);
  // The same object again changes nothing.
  EXPECT_THAT(model.apply_delta(delta({{"port:p1", port("p1", "n1", "10.0.0.5")}})), IsEmpty());
}

TEST(HostModelTest, DropsAnUndecodableObjectAndKeepsTheRest) {
  HostModel model;
  model.apply_delta(delta({{"port:p1", port("p1", "n1", "10.0.0.5")}}));
  Json broken = port("p1", "n1", "10.0.0.6");
  broken.erase("mac_address");
  const auto changed = model.apply_delta(delta({{"port:p1", broken},
                                                {"port:p2", port("p2", "n1", "10.0.0.7")},
                                                {"port:p3", port("other-id", "n1", "10.0.0.8")}}));
  EXPECT_EQ(model.port("p1"), nullptr);  // dropped, not kept at its old value
  EXPECT_EQ(model.port("p3"), nullptr);  // its id is not its key's
  EXPECT_THAT(ids(model.ports_of_network("n1")), ElementsAre("p2"));
  EXPECT_THAT(changed.at(ObjectKind::kPort), ElementsAre("p1", "p2"));
}

TEST(HostModelTest, IgnoresKeysOfUnknownKinds) {
  HostModel model;
  EXPECT_THAT(model.apply_delta(delta({{"qos_policy:q1", {{"id", "q1"}}}}, {"bogus"})), IsEmpty());
  EXPECT_EQ(model, HostModel());
}

TEST(HostModelTest, LookupsFollowAPortMovingAndGoing) {
  HostModel model;
  model.apply_delta(delta(
      {{"port:p1", port("p1", "n1", "10.0.0.5")}, {"port:p2", port("p2", "n1", "10.0.0.6")}}));
  model.apply_delta(delta({{"port:p1", port("p1", "n2", "10.0.1.5")}}));
  EXPECT_THAT(ids(model.ports_of_network("n1")), ElementsAre("p2"));
  EXPECT_THAT(ids(model.ports_of_network("n2")), ElementsAre("p1"));
  const auto changed = model.apply_delta(delta(Json::object(), {"port:p2", "port:absent"}));
  EXPECT_THAT(changed.at(ObjectKind::kPort), ElementsAre("p2"));
  EXPECT_THAT(model.ports_of_network("n1"), IsEmpty());
}

TEST(HostModelTest, RemotePortsOfANetworkFollowTheirMoves) {
  HostModel model;
  const auto remote = [](const std::string& id, const std::string& network) -> Json {
    return RemotePort{.id = id,
                      .network_id = network,
                      .mac_address = "fa:16:3e:00:00:09",
                      .host = "h2",
                      .tunnel_ip = "192.0.2.2"};
  };
  model.apply_delta(delta({{"remote:r2", remote("r2", "n1")}, {"remote:r1", remote("r1", "n1")}}));
  std::vector<std::string> in_n1;
  for (const RemotePort* r : model.remote_ports_of_network("n1")) {
    in_n1.push_back(r->id);
  }
  EXPECT_THAT(in_n1, ElementsAre("r1", "r2"));  // by id
  model.apply_delta(delta({{"remote:r1", remote("r1", "n2")}}, {"remote:r2"}));
  EXPECT_THAT(model.remote_ports_of_network("n1"), IsEmpty());
  ASSERT_THAT(model.remote_ports_of_network("n2"), ::testing::SizeIs(1));
}

// Random deltas over a few keys: the incrementally kept model equals one decoded from the
// final state at once.
TEST(HostModelTest, DeltasEndWhereDecodingTheFinalStateDoes) {
  std::mt19937 random(7);
  HostModel incremental;
  Json final_state = Json::object();
  for (int step = 0; step < 500; ++step) {
    Json set = Json::object();
    Json remove = Json::array();
    for (int change = 0; change < 3; ++change) {
      const std::string id = "p" + std::to_string(random() % 20);
      const std::string sid = "s" + std::to_string(random() % 5);
      const std::string network = "n" + std::to_string(random() % 4);
      switch (random() % 4) {
        case 0:
          remove.push_back("port:" + id);
          final_state.erase("port:" + id);
          set.erase("port:" + id);
          break;
        case 1:
          set["subnet:" + sid] = final_state["subnet:" + sid] = subnet(sid, network);
          break;
        default:
          const Json p = port(id, network, "10.0.0." + std::to_string(step % 250));
          set["port:" + id] = final_state["port:" + id] = p;
          remove.erase(std::remove(remove.begin(), remove.end(), Json("port:" + id)), remove.end());
      }
    }
    incremental.apply_delta(delta(set, remove));
  }
  HostModel scratch;
  scratch.apply_delta(delta(final_state));
  EXPECT_EQ(incremental, scratch);
  EXPECT_FALSE(scratch.ports().empty());
}

}  // namespace
}  // namespace neutrino::model
