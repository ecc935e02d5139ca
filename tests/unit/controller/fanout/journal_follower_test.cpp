// The consistency check of the incremental fan-out (as OVN checks flows after a recompute):
// many randomized steps through the real Neutron services, and after each one every host's
// state kept by the model, and the state an agent builds by applying the deltas it was sent,
// must equal a full recompute from SQL (build_host_state).
#include "controller/fanout/journal_follower.hpp"

#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <random>
#include <thread>

#include "controller/channel/host_state.hpp"
#include "controller/fanout/gateway_host.hpp"
#include "controller/neutron/address_group_service.hpp"
#include "controller/neutron/floating_ip_service.hpp"
#include "controller/neutron/router_interfaces.hpp"
#include "controller/neutron/router_service.hpp"
#include "controller/store/change_journal.hpp"
#include "tests/unit/controller/neutron/service_fixture.hpp"

namespace neutrino::fanout {
namespace {

const std::vector<std::string> kHosts = {"host-a", "host-b", "host-c", "host-d"};

class JournalFollowerTest : public neutron::testing::ServiceFixture {
 protected:
  void SetUp() override {
    ServiceFixture::SetUp();
    db().set_commit_listener([this] { wakeup_.notify(); });
  }
  void TearDown() override {
    if (follower_) {
      follower_->stop();
    }
    ServiceFixture::TearDown();
  }
  void start_follower(FollowerOptions options = {}) {
    follower_ = std::make_unique<JournalFollower>(
        db(), wakeup_,
        [this](int64_t, const HostDeltas& deltas) {
          std::lock_guard lock(mutex_);
          for (const auto& [host, changes] : deltas.by_host()) {
            channel::apply_host_delta(applied_[host], HostDeltas::to_delta(changes));
            for (const auto& [key, object] : changes) {
              sent_[host][key] = object;
            }
          }
        },
        std::move(options));
    follower_->start();
  }
  static channel::HostState recompute(store::SqlSession& s, const std::string& host) {
    return channel::build_host_state(s, host);
  }
  void expect_consistent(const std::string& step) {
    EXPECT_EQ(follower_->diverging_hosts(recompute), std::vector<std::string>{}) << step;
    std::lock_guard lock(mutex_);
    for (const auto& host : kHosts) {
      const auto full =
          db().read([&](store::SqlSession& s) { return channel::build_host_state(s, host); });
      EXPECT_EQ(applied_[host], full) << step << " on " << host;
      if (applied_[host] != full) {
        FAIL() << "stopping at the first divergence";
      }
    }
  }
  // A connected agent has a push-channel session (only those are chosen as gateway hosts).
  void report_agent(const std::string& host, const std::string& ip, const std::string& session = "",
                    Json mappings = Json::object()) {
    agents::AgentReport report;
    report.host = host;
    report.configurations = {{"tunneling_ip", ip}, {"bridge_mappings", std::move(mappings)}};
    report.channel_session = session;
    db().write([&](store::SqlSession& s) { agents_.report(s, report, true); });
  }
  void disconnect_agent(const std::string& host, const std::string& session) {
    db().write([&](store::SqlSession& s) { agents_.disconnected(s, host, session); });
  }

  std::string create_address_group(Json addresses) {
    return db().write([&](store::SqlSession& s) {
      return address_groups_.create(s, alice_, {{"name", "ag"}, {"addresses", addresses}});
    })["id"];
  }
  void change_addresses(const std::string& ag, bool add, const std::string& address) {
    db().write([&](store::SqlSession& s) {
      const Json body = {{"addresses", {address}}};
      add ? address_groups_.add_addresses(s, alice_, ag, body)
          : address_groups_.remove_addresses(s, alice_, ag, body);
    });
  }
  // A server of the compute API placed on `host`, with the columns its instance object is
  // made of, written as ServerStore writes them (tests/unit/controller/compute covers that).
  std::string place_instance(const std::string& host) {
    const std::string id = "9c1e0000-0000-4000-8000-00000000000" + std::to_string(++instances_);
    db().write([&](store::SqlSession& s) {
      s.execute("INSERT INTO instance_id_mappings (id, uuid) VALUES (?, ?)", {instances_, id});
      s.execute(
          "INSERT INTO instances (id, reservation_id, project_id, name, hostname, created_at, "
          "updated_at, vm_state, host) VALUES (?, 'r-1', 'alice-project', 'vm', 'vm', 0, 0, "
          "'active', ?)",
          {id, host});
      store::ChangeJournal::append(s, store::JournalKind::kInstance, id);
    });
    return id;
  }
  void change_instance(const std::string& id, const std::string& assignments) {
    db().write([&](store::SqlSession& s) {
      s.execute("UPDATE instances SET " + assignments + " WHERE id = ?", {id});
      store::ChangeJournal::append(s, store::JournalKind::kInstance, id);
    });
  }
  Json applied_instance(const std::string& host, const std::string& id) {
    std::lock_guard lock(mutex_);
    return applied_[host].contains("instance:" + id) ? applied_[host]["instance:" + id] : Json();
  }

  HostSync sync(const std::string& host, int64_t revision) {
    std::promise<HostSync> done;
    follower_->sync(host, revision, [&](HostSync s) { done.set_value(std::move(s)); });
    return done.get_future().get();
  }

  neutron::AddressGroupService address_groups_;
  store::InProcessJournalWakeup wakeup_;
  std::unique_ptr<JournalFollower> follower_;
  std::mutex mutex_;
  std::map<std::string, channel::HostState> applied_;
  std::map<std::string, std::map<std::string, SharedObject>> sent_;  // last sent, per host
  int64_t instances_ = 0;
};

TEST_F(JournalFollowerTest, RandomizedStepsMatchAFullRecompute) {
  std::mt19937 rng(20261203);
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  for (size_t i = 0; i < 2; ++i) {
    report_agent(kHosts[i], "192.0.2." + std::to_string(10 + i));
  }
  start_follower();
  std::vector<std::string> networks;
  std::vector<std::string> groups = {default_group(alice_)};
  std::vector<std::string> ports;
  std::vector<std::string> rules;
  std::vector<std::string> address_groups = {create_address_group({"192.168.0.0/24"})};
  std::map<std::string, std::set<std::string>> added;  // address group -> addresses added
  int next_address = 0;
  for (int n = 0; n < 3; ++n) {
    networks.push_back(create_network(alice_)["id"]);
    create_subnet(alice_, {{"network_id", networks.back()},
                           {"ip_version", 4},
                           {"cidr", "10." + std::to_string(n) + ".0.0/24"}});
  }
  expect_consistent("setup");
  int done = 0;
  int refused = 0;
  for (int step = 0; step < 300; ++step) {
    const size_t action = pick(14);
    std::string what;
    try {
      if (action <= 2 || ports.empty()) {
        Json body = {{"network_id", networks[pick(networks.size())]},
                     {"project_id", "alice-project"},
                     {"binding:host_id", pick(5) == 0 ? "" : kHosts[pick(kHosts.size())]},
                     {"security_groups", {groups[pick(groups.size())]}}};
        ports.push_back(create_port(admin_, body)["id"]);
        what = "create port";
      } else if (action == 3) {
        update_port(admin_, ports[pick(ports.size())],
                    {{"binding:host_id", kHosts[pick(kHosts.size())]}});
        what = "move port";
      } else if (action == 4) {
        update_port(alice_, ports[pick(ports.size())],
                    {{"security_groups", {groups[pick(groups.size())], groups[0]}}});
        what = "change port groups";
      } else if (action == 5) {
        const size_t i = pick(ports.size());
        db().write([&](store::SqlSession& s) { ports_.remove(s, alice_, ports[i]); });
        ports.erase(ports.begin() + static_cast<long>(i));
        what = "delete port";
      } else if (action == 6) {
        groups.push_back(create_group(alice_)["id"]);
        what = "create group";
      } else if (action == 7) {
        rules.push_back(
            create_rule(alice_, {{"security_group_id", groups[pick(groups.size())]},
                                 {"direction", "ingress"},
                                 {"protocol", "tcp"},
                                 {"port_range_min", int(1 + pick(1000))},
                                 {"port_range_max", 2000},
                                 {"remote_group_id", groups[pick(groups.size())]}})["id"]);
        what = "add remote-group rule";
      } else if (action == 8 && !rules.empty()) {
        const size_t i = pick(rules.size());
        db().write([&](store::SqlSession& s) { rules_.remove(s, alice_, rules[i]); });
        rules.erase(rules.begin() + static_cast<long>(i));
        what = "delete rule";
      } else if (action == 9) {
        report_agent(kHosts[pick(kHosts.size())], "192.0.2." + std::to_string(20 + pick(50)));
        what = "agent tunnel IP";
      } else if (action == 10) {
        address_groups.push_back(create_address_group({"2001:db8::/64"}));
        what = "create address group";
      } else if (action == 11) {
        rules.push_back(create_rule(alice_, {{"security_group_id", groups[pick(groups.size())]},
                                             {"direction", pick(2) == 0 ? "ingress" : "egress"},
                                             {"protocol", "udp"},
                                             {"port_range_min", int(1 + pick(1000))},
                                             {"port_range_max", 2000},
                                             {"remote_address_group_id",
                                              address_groups[pick(address_groups.size())]}})["id"]);
        what = "add remote-address-group rule";
      } else {
        const std::string& ag = address_groups[pick(address_groups.size())];
        auto& mine = added[ag];
        if (action == 12 || mine.empty()) {
          const std::string address = "172.16." + std::to_string(next_address++) + ".0/24";
          change_addresses(ag, true, address);
          mine.insert(address);
          what = "add address";
        } else {
          const std::string address = *mine.begin();
          change_addresses(ag, false, address);
          mine.erase(address);
          what = "remove address";
        }
      }
    } catch (const api::ApiError&) {
      ++refused;  // a refused request changes nothing
      continue;
    }
    ++done;
    expect_consistent("step " + std::to_string(step) + ": " + what);
    if (HasFatalFailure() || HasFailure()) {
      return;
    }
  }
  EXPECT_GT(done, 250) << refused << " refused";  // the steps really changed things
}

TEST_F(JournalFollowerTest, ResyncSendsOnlyWhatChangedSinceTheAgentsRevision) {
  start_follower();
  const std::string net = create_network(alice_)["id"];
  create_subnet(alice_, {{"network_id", net}, {"ip_version", 4}, {"cidr", "10.1.0.0/24"}});
  create_port(admin_, {{"network_id", net}, {"binding:host_id", "host-a"}});
  std::promise<HostSync> first;
  follower_->sync("host-a", 0, [&](HostSync s) { first.set_value(std::move(s)); });
  const HostSync snapshot = first.get_future().get();
  ASSERT_TRUE(snapshot.snapshot);  // revision 0 predates the model
  const std::string later =
      create_port(admin_, {{"network_id", net}, {"binding:host_id", "host-b"}})["id"];
  std::promise<HostSync> second;
  follower_->sync("host-a", snapshot.revision, [&](HostSync s) { second.set_value(std::move(s)); });
  const HostSync delta = second.get_future().get();
  EXPECT_FALSE(delta.snapshot);
  EXPECT_GT(delta.revision, snapshot.revision);
  // The new remote port, and the default group's member addresses (its rules name it).
  EXPECT_TRUE(delta.state["set"].contains("remote:" + later)) << delta.state.dump();
  for (const auto& [key, object] : delta.state["set"].items()) {
    EXPECT_TRUE(key == "remote:" + later || key.starts_with("remote_group:")) << key;
  }
  EXPECT_TRUE(delta.state["remove"].empty());
}

// A host's resync history holds a bounded number of keys: an agent that missed more than that
// gets a snapshot, one that missed little still a delta.
TEST_F(JournalFollowerTest, AnAgentThatMissedMoreThanTheHistoryHoldsGetsASnapshot) {
  start_follower({.history_keys_per_host = 4});
  const std::string net = create_network(alice_)["id"];
  create_subnet(alice_, {{"network_id", net}, {"ip_version", 4}, {"cidr", "10.1.0.0/24"}});
  create_port(admin_, {{"network_id", net}, {"binding:host_id", "host-a"}});
  const HostSync before = sync("host-a", 0);
  for (int i = 0; i < 6; ++i) {  // six remote ports for host-a, at least
    create_port(admin_, {{"network_id", net}, {"binding:host_id", "host-b"}});
  }
  const HostSync missed_much = sync("host-a", before.revision);
  EXPECT_TRUE(missed_much.snapshot);
  const std::string last =
      create_port(admin_, {{"network_id", net}, {"binding:host_id", "host-b"}})["id"];
  const HostSync missed_one = sync("host-a", missed_much.revision);
  EXPECT_FALSE(missed_one.snapshot);
  EXPECT_TRUE(missed_one.state["set"].contains("remote:" + last)) << missed_one.state.dump();
}

// Hosts that join a network get its ports' remote objects; one object per port, shared by
// all of them (the resync history of 1,000 hosts must not hold 1,000 copies), and a new one
// when the port's host reports another tunnel IP.
TEST_F(JournalFollowerTest, HostsJoiningANetworkShareEachRemotePortObject) {
  report_agent("host-a", "192.0.2.1");
  start_follower();
  const std::string net = create_network(alice_)["id"];
  const std::string port =
      create_port(admin_, {{"network_id", net}, {"binding:host_id", "host-a"}})["id"];
  create_port(admin_, {{"network_id", net}, {"binding:host_id", "host-b"}});
  create_port(admin_, {{"network_id", net}, {"binding:host_id", "host-c"}});
  expect_consistent("after the ports");
  auto remote = [&](const std::string& host) {
    std::lock_guard lock(mutex_);
    return sent_[host]["remote:" + port];
  };
  ASSERT_NE(remote("host-b"), nullptr);
  EXPECT_EQ(remote("host-b"), remote("host-c"));
  EXPECT_EQ((*remote("host-b"))["tunnel_ip"], "192.0.2.1");
  const SharedObject before = remote("host-b");
  report_agent("host-a", "192.0.2.9");
  expect_consistent("after the tunnel IP");
  EXPECT_NE(remote("host-b"), before);
  EXPECT_EQ(remote("host-b"), remote("host-c"));
  EXPECT_EQ((*remote("host-c"))["tunnel_ip"], "192.0.2.9");
}

TEST_F(JournalFollowerTest, AnAddressChangeReachesOnlyTheHostsWhoseRulesNameTheGroup) {
  start_follower();
  const std::string net = create_network(alice_)["id"];
  create_subnet(alice_, {{"network_id", net}, {"ip_version", 4}, {"cidr", "10.1.0.0/24"}});
  const std::string ag = create_address_group({"192.168.0.0/24"});
  const std::string naming = create_group(alice_)["id"];
  const std::string other = create_group(alice_)["id"];
  create_rule(
      alice_,
      {{"security_group_id", naming}, {"direction", "ingress"}, {"remote_address_group_id", ag}});
  for (const auto& [host, group] : {std::pair{"host-a", naming}, std::pair{"host-b", other}}) {
    create_port(admin_, {{"network_id", net},
                         {"project_id", "alice-project"},
                         {"binding:host_id", host},
                         {"security_groups", {group}}});
  }
  const HostSync a = sync("host-a", 0);
  const HostSync b = sync("host-b", 0);
  EXPECT_EQ(a.state["address_group:" + ag], Json({{"id", ag}, {"addresses", {"192.168.0.0/24"}}}));
  EXPECT_FALSE(b.state.contains("address_group:" + ag));
  change_addresses(ag, true, "2001:db8::/64");
  const HostSync a_delta = sync("host-a", a.revision);
  EXPECT_EQ(a_delta.state["set"],
            Json({{"address_group:" + ag,
                   {{"id", ag}, {"addresses", {"192.168.0.0/24", "2001:db8::/64"}}}}}));
  EXPECT_TRUE(a_delta.state["remove"].empty());
  const HostSync b_delta = sync("host-b", b.revision);
  EXPECT_TRUE(b_delta.state["set"].empty()) << b_delta.state.dump();
  EXPECT_TRUE(b_delta.state["remove"].empty());
}

// PostgreSQL: a slower transaction commits a lower seq after a higher one is visible. The
// follower must wait for it rather than skip it, and must pass a seq whose transaction rolled
// back. (SQLite has one writer: seqs become visible in order there.)
TEST_F(JournalFollowerTest, ALowerSeqCommittedLateIsNotSkipped) {
  if (!db_->postgres()) {
    GTEST_SKIP() << "only PostgreSQL runs two writers at once";
  }
  start_follower();
  const auto wait_for_revision = [&](int64_t seq) {
    for (int i = 0; i < 1000 && follower_->revision() < seq; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return follower_->revision();
  };
  const int64_t before = follower_->revision();
  std::promise<int64_t> slow_seq;
  std::promise<void> release;
  std::thread slow([&] {
    db().write([&](store::SqlSession& s) {
      slow_seq.set_value(store::ChangeJournal::append(s, store::JournalKind::kNetwork, "slow"));
      release.get_future().wait();
    });
  });
  const int64_t slow_at = slow_seq.get_future().get();
  const int64_t fast_at = db().write([](store::SqlSession& s) {
    return store::ChangeJournal::append(s, store::JournalKind::kNetwork, "fast");
  });
  ASSERT_GT(fast_at, slow_at);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(follower_->revision(), before) << "went past seq " << slow_at << " still in flight";
  release.set_value();
  slow.join();
  EXPECT_EQ(wait_for_revision(fast_at), fast_at);

  // A rolled-back seq below a committed one: passed once its transaction has ended.
  EXPECT_THROW(db().write([](store::SqlSession& s) {
    store::ChangeJournal::append(s, store::JournalKind::kNetwork, "lost");
    throw std::runtime_error("refused");
  }),
               std::runtime_error);
  const int64_t after_lost = db().write([](store::SqlSession& s) {
    return store::ChangeJournal::append(s, store::JournalKind::kNetwork, "after");
  });
  EXPECT_EQ(wait_for_revision(after_lost), after_lost);
}

// Routers and floating IPs: a router reaches the hosts with a port on one of its networks, its
// floating IPs with it, and every step keeps the model equal to a full recompute.
TEST_F(JournalFollowerTest, RoutersAndFloatingIpsMatchAFullRecompute) {
  using neutron::Operation;
  const neutron::L3Ports l3(ports_);
  const neutron::RouterService routers(l3);
  const neutron::RouterInterfaces interfaces(l3);
  const neutron::FloatingIpService fips(l3);
  std::mt19937 rng(20261204);
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  std::map<std::string, std::string> sessions;  // connected hosts
  for (size_t i = 0; i < kHosts.size(); ++i) {
    sessions[kHosts[i]] = "session-" + std::to_string(i);
    report_agent(kHosts[i], "192.0.2.1" + std::to_string(i), sessions[kHosts[i]]);
  }
  start_follower();
  const std::string external = create_network(admin_, {{"router:external", true}})["id"];
  create_subnet(admin_, {{"network_id", external}, {"ip_version", 4}, {"cidr", "203.0.113.0/24"}});
  std::vector<std::string> subnets;
  std::vector<std::string> networks;
  for (int n = 0; n < 4; ++n) {
    networks.push_back(create_network(alice_)["id"]);
    subnets.push_back(
        create_subnet(alice_, {{"network_id", networks.back()},
                               {"ip_version", 4},
                               {"cidr", "10." + std::to_string(n) + ".0.0/24"}})["id"]);
  }
  std::vector<std::string> ports;
  std::vector<std::string> router_ids;
  std::vector<std::string> fip_ids;
  expect_consistent("setup");
  int done = 0;
  for (int step = 0; step < 200; ++step) {
    const size_t action = pick(10);
    std::string what;
    if (action == 9) {  // the gateway hosts follow agents' connections
      const std::string host = kHosts[pick(kHosts.size())];
      if (const auto it = sessions.find(host); it != sessions.end()) {
        disconnect_agent(host, it->second);
        sessions.erase(it);
        what = "disconnect " + host;
      } else {
        sessions[host] = "session-" + std::to_string(step);
        report_agent(host, "192.0.2.99", sessions[host]);
        what = "connect " + host;
      }
      expect_consistent("step " + std::to_string(step) + ": " + what);
      continue;
    }
    try {
      db().write([&](store::SqlSession& s) {
        if (action <= 1 || ports.empty()) {
          Json body = {{"network_id", networks[pick(networks.size())]},
                       {"project_id", "alice-project"},
                       {"binding:host_id", kHosts[pick(kHosts.size())]}};
          ports.push_back(ports_.create(
              s, admin_, neutron::port_schema().validate(body, Operation::kCreate))["id"]);
          what = "create port";
        } else if (action == 2) {
          const Json body = {{"binding:host_id", kHosts[pick(kHosts.size())]}};
          ports_.update(s, admin_, ports[pick(ports.size())],
                        neutron::port_schema().validate(body, Operation::kUpdate));
          what = "move port";
        } else if (action == 3 || router_ids.empty()) {
          const Json body = {{"external_gateway_info", {{"network_id", external}}}};
          router_ids.push_back(routers.create(
              s, alice_, neutron::router_schema().validate(body, Operation::kCreate))["id"]);
          what = "create router";
        } else if (action == 4) {
          interfaces.add(s, alice_, router_ids[pick(router_ids.size())],
                         {{"subnet_id", subnets[pick(subnets.size())]}});
          what = "add interface";
        } else if (action == 5) {
          interfaces.remove(s, alice_, router_ids[pick(router_ids.size())],
                            {{"subnet_id", subnets[pick(subnets.size())]}});
          what = "remove interface";
        } else if (action == 6) {
          const Json body = {{"floating_network_id", external},
                             {"port_id", ports[pick(ports.size())]}};
          fip_ids.push_back(fips.create(
              s, alice_, neutron::floating_ip_schema().validate(body, Operation::kCreate))["id"]);
          what = "associate a new floating IP";
        } else if (action == 7 && !fip_ids.empty()) {
          const Json body = {
              {"port_id", pick(2) == 0 ? Json(nullptr) : Json(ports[pick(ports.size())])}};
          fips.update(s, alice_, fip_ids[pick(fip_ids.size())],
                      neutron::floating_ip_schema().validate(body, Operation::kUpdate));
          what = "move or disassociate a floating IP";
        } else {
          const size_t i = pick(ports.size());
          ports_.remove(s, alice_, ports[i]);
          ports.erase(ports.begin() + static_cast<long>(i));
          what = "delete port";
        }
      });
    } catch (const api::ApiError&) {
      continue;  // a refused request changes nothing
    }
    ++done;
    expect_consistent("step " + std::to_string(step) + ": " + what);
    if (HasFatalFailure() || HasFailure()) {
      return;
    }
  }
  EXPECT_GT(done, 100);
  const auto held = db().read([&](store::SqlSession& s) {
    size_t routers_held = 0;
    for (const auto& host : kHosts) {
      for (const auto& [key, object] : channel::build_host_state(s, host)) {
        routers_held += key.starts_with("router:") ? 1 : 0;
      }
    }
    return routers_held;
  });
  EXPECT_GT(held, 0u);  // the steps really put routers on hosts
}

}  // namespace
}  // namespace neutrino::fanout

namespace neutrino::fanout {
namespace {

// East-west routing on the source host: a host holding a router holds every network the router
// has an interface on (network, subnets, remote ports) even without a port there, but not the
// routers of those networks, and drops them with the interface.
TEST_F(JournalFollowerTest, AHostHoldingARouterHoldsTheNetworksItRoutesTo) {
  using neutron::Operation;
  const neutron::L3Ports l3(ports_);
  const neutron::RouterService routers(l3);
  const neutron::RouterInterfaces interfaces(l3);
  report_agent(kHosts[0], "192.0.2.10");
  report_agent(kHosts[1], "192.0.2.11");
  start_follower();
  std::vector<std::string> nets, subnets;
  for (int n = 0; n < 3; ++n) {
    nets.push_back(create_network(alice_)["id"]);
    subnets.push_back(
        create_subnet(alice_, {{"network_id", nets.back()},
                               {"ip_version", 4},
                               {"cidr", "10.5" + std::to_string(n) + ".0.0/24"}})["id"]);
  }
  std::string remote_port;
  std::string r1, r2;
  db().write([&](store::SqlSession& s) {
    for (int i = 0; i < 2; ++i) {
      const Json body = {
          {"network_id", nets[i]}, {"project_id", "alice-project"}, {"binding:host_id", kHosts[i]}};
      remote_port =
          ports_.create(s, admin_, neutron::port_schema().validate(body, Operation::kCreate))["id"];
    }
    r1 = routers.create(
        s, alice_, neutron::router_schema().validate(Json::object(), Operation::kCreate))["id"];
    r2 = routers.create(
        s, alice_, neutron::router_schema().validate(Json::object(), Operation::kCreate))["id"];
    interfaces.add(s, alice_, r1, {{"subnet_id", subnets[0]}});
    interfaces.add(s, alice_, r1, {{"subnet_id", subnets[1]}});
    // nets[1]'s gateway address is r1's: r2 joins it by a port of its own.
    const Json body = {{"network_id", nets[1]}, {"project_id", "alice-project"}};
    const std::string r2_port =
        ports_.create(s, admin_, neutron::port_schema().validate(body, Operation::kCreate))["id"];
    interfaces.add(s, alice_, r2, {{"port_id", r2_port}});
    interfaces.add(s, alice_, r2, {{"subnet_id", subnets[2]}});
  });
  expect_consistent("two routers");
  {
    std::lock_guard lock(mutex_);
    const auto& a = applied_[kHosts[0]];  // a port on nets[0] only
    EXPECT_TRUE(a.contains("router:" + r1));
    EXPECT_TRUE(a.contains("network:" + nets[1]));
    EXPECT_TRUE(a.contains("subnet:" + subnets[1]));
    EXPECT_TRUE(a.contains("remote:" + remote_port));  // host-b's port on nets[1]
    EXPECT_FALSE(a.contains("router:" + r2));          // not through a routed network
    EXPECT_FALSE(a.contains("network:" + nets[2]));
    EXPECT_TRUE(applied_[kHosts[1]].contains("network:" + nets[2]));  // r2 is host-b's
  }
  db().write([&](store::SqlSession& s) {
    interfaces.remove(s, alice_, r1, {{"subnet_id", subnets[1]}});
  });
  expect_consistent("interface removed");
  std::lock_guard lock(mutex_);
  EXPECT_FALSE(applied_[kHosts[0]].contains("network:" + nets[1]));
  EXPECT_FALSE(applied_[kHosts[0]].contains("remote:" + remote_port));
  EXPECT_TRUE(applied_[kHosts[0]].contains("router:" + r1));
}

// Floating IPs are NATed on their port's host: a host holding a router also holds its gateway's
// network (with its subnet), and the floating IP carries its own port's MAC; both go with the
// gateway.
TEST_F(JournalFollowerTest, AHostHoldingARouterHoldsItsGatewaysNetwork) {
  using neutron::Operation;
  const neutron::L3Ports l3(ports_);
  const neutron::RouterService routers(l3);
  const neutron::RouterInterfaces interfaces(l3);
  const neutron::FloatingIpService fips(l3);
  report_agent(kHosts[0], "192.0.2.10");
  report_agent(kHosts[1], "192.0.2.11");
  start_follower();
  const std::string external = create_network(admin_, {{"router:external", true}})["id"];
  const std::string external_subnet = create_subnet(
      admin_, {{"network_id", external}, {"ip_version", 4}, {"cidr", "203.0.113.0/24"}})["id"];
  const std::string net = create_network(alice_)["id"];
  const std::string subnet = create_subnet(
      alice_, {{"network_id", net}, {"ip_version", 4}, {"cidr", "10.60.0.0/24"}})["id"];
  std::string router, fip, port;
  db().write([&](store::SqlSession& s) {
    const Json body = {
        {"network_id", net}, {"project_id", "alice-project"}, {"binding:host_id", kHosts[0]}};
    port =
        ports_.create(s, admin_, neutron::port_schema().validate(body, Operation::kCreate))["id"];
    const Json gateway = {{"external_gateway_info", {{"network_id", external}}}};
    router = routers.create(s, alice_,
                            neutron::router_schema().validate(gateway, Operation::kCreate))["id"];
    interfaces.add(s, alice_, router, {{"subnet_id", subnet}});
    const Json floating = {{"floating_network_id", external}, {"port_id", port}};
    fip = fips.create(s, alice_,
                      neutron::floating_ip_schema().validate(floating, Operation::kCreate))["id"];
  });
  expect_consistent("router with a gateway and a floating IP");
  const auto fip_mac = db().read([&](store::SqlSession& s) {
    return s.query("SELECT mac_address FROM ports WHERE device_owner = 'network:floatingip'", {})
        .at(0)
        .text(0);
  });
  {
    std::lock_guard lock(mutex_);
    const auto& a = applied_[kHosts[0]];
    EXPECT_TRUE(a.contains("network:" + external));
    EXPECT_TRUE(a.contains("subnet:" + external_subnet));
    ASSERT_TRUE(a.contains("floatingip:" + fip));
    EXPECT_EQ(a.at("floatingip:" + fip).at("mac_address"), fip_mac);
    EXPECT_FALSE(applied_[kHosts[1]].contains("network:" + external));  // no port there
  }
  db().write([&](store::SqlSession& s) {
    fips.remove(s, alice_, fip);
    const Json no_gateway = {{"external_gateway_info", nullptr}};
    routers.update(s, alice_, router,
                   neutron::router_schema().validate(no_gateway, Operation::kUpdate));
  });
  expect_consistent("gateway removed");
  std::lock_guard lock(mutex_);
  EXPECT_FALSE(applied_[kHosts[0]].contains("network:" + external));
  EXPECT_TRUE(applied_[kHosts[0]].contains("router:" + router));
}

TEST_F(JournalFollowerTest, AnInstancesRebootsAndStartsMatchAFullRecompute) {
  report_agent(kHosts[0], "192.0.2.10");
  start_follower();
  const std::string id = place_instance(kHosts[0]);
  expect_consistent("placed");
  EXPECT_EQ(applied_instance(kHosts[0], id)["reboot_type"], "SOFT");
  change_instance(id, "reboot_count = reboot_count + 1, reboot_type = 'HARD'");
  expect_consistent("hard reboot");
  EXPECT_EQ(applied_instance(kHosts[0], id)["reboot_type"], "HARD");
  change_instance(id, "reboot_count = reboot_count + 1, reboot_type = 'SOFT'");
  expect_consistent("soft reboot");
  EXPECT_EQ(applied_instance(kHosts[0], id)["reboot_count"], 2);
  change_instance(id, "desired_power = 'stopped'");
  change_instance(id, "desired_power = 'running', start_count = start_count + 1");
  expect_consistent("stop, start");
  EXPECT_EQ(applied_instance(kHosts[0], id)["start_count"], 1);
}

}  // namespace
}  // namespace neutrino::fanout

namespace neutrino::fanout {
namespace {

// The gateway host: among connected agents that reach the external network's physnet, it holds
// the router (and what it routes to) with no port of its own, and it moves when it disconnects
// and comes back when it reconnects; a stale session's end changes nothing.
TEST_F(JournalFollowerTest, TheGatewayHostFollowsConnectedAgentsOfThePhysnet) {
  using neutron::Operation;
  const neutron::L3Ports l3(ports_);
  const neutron::RouterService routers(l3);
  const Json physnet1 = {{"physnet1", "br-ex"}};
  report_agent(kHosts[0], "192.0.2.10", "a1", physnet1);
  report_agent(kHosts[1], "192.0.2.11", "b1", physnet1);
  report_agent(kHosts[2], "192.0.2.12", "c1");  // no bridge to physnet1
  start_follower();
  const std::string external = create_network(admin_, {{"router:external", true},
                                                       {"provider:network_type", "vlan"},
                                                       {"provider:physical_network", "physnet1"},
                                                       {"provider:segmentation_id", 120}})["id"];
  create_subnet(admin_, {{"network_id", external}, {"ip_version", 4}, {"cidr", "203.0.113.0/24"}});
  const std::string router = db().write([&](store::SqlSession& s) {
    const Json gateway = {{"external_gateway_info", {{"network_id", external}}}};
    return routers
        .create(s, alice_, neutron::router_schema().validate(gateway, Operation::kCreate))["id"]
        .get<std::string>();
  });
  expect_consistent("router with a gateway");
  const auto holders = [&] {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& host : kHosts) {
      const auto it = applied_[host].find("router:" + router);
      if (it != applied_[host].end()) {
        EXPECT_EQ(it->second.at("gateway").at("host"), host);
        EXPECT_TRUE(applied_[host].contains("network:" + external));
        out.push_back(host);
      }
    }
    return out;
  };
  const auto first = holders();
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0], choose_gateway_host(router, {kHosts[0], kHosts[1]}));
  const std::string chosen = first[0];
  const std::string other = chosen == kHosts[0] ? kHosts[1] : kHosts[0];
  const std::string chosen_session = chosen == kHosts[0] ? "a1" : "b1";
  disconnect_agent(chosen, "stale");  // an older session ending: still connected
  expect_consistent("a stale session ends");
  EXPECT_EQ(holders(), std::vector<std::string>{chosen});
  disconnect_agent(chosen, chosen_session);
  expect_consistent("the gateway host disconnects");
  EXPECT_EQ(holders(), std::vector<std::string>{other});
  disconnect_agent(other, other == kHosts[0] ? "a1" : "b1");
  expect_consistent("no agent reaches physnet1");
  EXPECT_EQ(holders(), std::vector<std::string>{});  // never host-c
  report_agent(chosen, "192.0.2.20", "again", physnet1);
  expect_consistent("the first host reconnects");
  EXPECT_EQ(holders(), std::vector<std::string>{chosen});
  // Other hosts tunnel the router's outbound traffic to the address it reconnected with.
  std::lock_guard lock(mutex_);
  EXPECT_EQ(applied_[chosen]["router:" + router]["gateway"]["host_tunnel_ip"], "192.0.2.20");
}

}  // namespace
}  // namespace neutrino::fanout
