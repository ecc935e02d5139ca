#include "controller/neutron/subnet_pool_service.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "service_fixture.hpp"

namespace neutrino::neutron {
namespace {

using Refusal = std::pair<int, std::string>;

class SubnetPoolServiceTest : public testing::ServiceFixture {
 protected:
  void SetUp() override {
    ServiceFixture::SetUp();
    network_id_ = create_network(alice_)["id"];
  }
  Json create_pool(const AuthContext& ctx, Json body) {
    const Json a = subnet_pool_schema().validate(body, Operation::kCreate);
    return db().write([&](store::SqlSession& s) { return pools_.create(s, ctx, a); });
  }
  Json update_pool(const AuthContext& ctx, const std::string& id, Json body) {
    const Json a = subnet_pool_schema().validate(body, Operation::kUpdate);
    return db().write([&](store::SqlSession& s) { return pools_.update(s, ctx, id, a); });
  }
  void delete_pool(const AuthContext& ctx, const std::string& id) {
    db().write([&](store::SqlSession& s) { pools_.remove(s, ctx, id); });
  }
  Json show_pool(const AuthContext& ctx, const std::string& id) {
    return db().read([&](store::SqlSession& s) { return pools_.show(s, ctx, id); });
  }
  // A subnet on alice's network (or `network`) from `pool`, with extra attributes.
  Json pool_subnet(const std::string& pool, Json extra = Json::object(), int version = 4) {
    Json body = {{"network_id", network_id_}, {"ip_version", version}, {"subnetpool_id", pool}};
    body.update(extra);
    return create_subnet(alice_, body);
  }
  std::string small_pool() {
    return create_pool(alice_, {{"name", "p"},
                                {"prefixes", {"10.11.12.0/24"}},
                                {"min_prefixlen", "26"},
                                {"max_prefixlen", 30}})["id"];
  }

  SubnetPoolService pools_;
  std::string network_id_;
};

TEST_F(SubnetPoolServiceTest, CreateShowsNeutronsShapeAndDefaults) {
  const Json pool = create_pool(alice_, {{"name", "p"},
                                         {"prefixes", {"10.11.12.0/24", "10.11.13.0/24"}},
                                         {"min_prefixlen", "29"},
                                         {"tags", {"t1"}}});
  EXPECT_EQ(pool["prefixes"], Json({"10.11.12.0/23"}));  // compacted
  EXPECT_EQ(create_pool(alice_, {{"prefixes", {"10.20.0.7/24"}}})["prefixes"],
            Json({"10.20.0.0/24"}));  // host bits dropped, as Neutron's IPSet does
  EXPECT_EQ(pool["min_prefixlen"], "29");
  EXPECT_EQ(pool["default_prefixlen"], "29");
  EXPECT_EQ(pool["max_prefixlen"], "32");
  EXPECT_EQ(pool["ip_version"], 4);
  EXPECT_EQ(pool["shared"], false);
  EXPECT_EQ(pool["is_default"], false);
  EXPECT_TRUE(pool["default_quota"].is_null());
  EXPECT_TRUE(pool["address_scope_id"].is_null());
  EXPECT_EQ(pool["project_id"], "alice-project");
  EXPECT_EQ(pool["tags"], Json({"t1"}));
  EXPECT_EQ(pool["revision_number"], 0);
  const Json v6 = create_pool(alice_, {{"prefixes", {"2001:db8::/48"}}});
  EXPECT_EQ(v6["min_prefixlen"], "64");
  EXPECT_EQ(v6["max_prefixlen"], "128");
}

TEST_F(SubnetPoolServiceTest, RefusesBadPrefixesAndBounds) {
  auto create = [&](Json body) { return refusal([&] { create_pool(alice_, body); }); };
  EXPECT_EQ(create({{"prefixes", Json::array()}}), Refusal(400, "EmptySubnetPoolPrefixList"));
  EXPECT_EQ(create({{"prefixes", {"10.0.0.0/8", "2001:db8::/32"}}}),
            Refusal(400, "PrefixVersionMismatch"));
  EXPECT_EQ(create({{"prefixes", {"10.0.0.0"}}}), Refusal(400, "HTTPBadRequest"));
  EXPECT_EQ(create({{"prefixes", {"10.0.0.0/33"}}}), Refusal(400, "HTTPBadRequest"));
  EXPECT_EQ(create({{"prefixes", {"10.0.0.0/8"}}, {"min_prefixlen", 30}, {"max_prefixlen", 24}}),
            Refusal(400, "IllegalSubnetPoolPrefixBounds"));
  EXPECT_EQ(create({{"prefixes", {"10.0.0.0/8"}}, {"max_prefixlen", 33}}),
            Refusal(400, "IllegalSubnetPoolPrefixBounds"));
  EXPECT_EQ(create({{"prefixes", {"10.0.0.0/8"}}, {"min_prefixlen", 16}, {"default_prefixlen", 8}}),
            Refusal(400, "IllegalSubnetPoolPrefixBounds"));
  EXPECT_EQ(create({{"prefixes", {"10.0.0.0/8"}}, {"min_prefixlen", "abc"}}),
            Refusal(400, "InvalidInput"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM subnetpools"), 0);
}

TEST_F(SubnetPoolServiceTest, SharedAndDefaultNeedAdminAndOneDefaultPerVersion) {
  EXPECT_EQ(refusal([&] {
              create_pool(alice_, {{"prefixes", {"10.0.0.0/8"}}, {"shared", true}});
            }),
            Refusal(403, "PolicyNotAuthorized"));
  EXPECT_EQ(refusal([&] {
              create_pool(alice_, {{"prefixes", {"10.0.0.0/8"}}, {"is_default", true}});
            }),
            Refusal(403, "PolicyNotAuthorized"));
  const std::string shared = create_pool(
      admin_, {{"prefixes", {"10.0.0.0/8"}}, {"shared", true}, {"is_default", true}})["id"];
  EXPECT_EQ(show_pool(bob_, shared)["is_default"], true);  // shared: every project sees it
  EXPECT_EQ(refusal([&] {
              create_pool(admin_, {{"prefixes", {"172.16.0.0/12"}}, {"is_default", true}});
            }),
            Refusal(400, "InvalidInput"));
  create_pool(admin_, {{"prefixes", {"2001:db8::/32"}}, {"is_default", true}});  // other version
  EXPECT_EQ(refusal([&] {
              update_pool(admin_, shared, {{"shared", false}});
            }),
            Refusal(400, "HTTPBadRequest"));  // shared is create-only
  EXPECT_EQ(refusal([&] {
              update_pool(bob_, shared, {{"name", "mine"}});
            }),
            Refusal(403, "PolicyNotAuthorized"));
  const std::string own = small_pool();
  EXPECT_EQ(refusal([&] { show_pool(bob_, own); }), Refusal(404, "SubnetPoolNotFound"));
  EXPECT_EQ(refusal([&] { delete_pool(bob_, own); }), Refusal(404, "SubnetPoolNotFound"));
}

TEST_F(SubnetPoolServiceTest, UpdateMayGrowPrefixesButNeverShrinkThem) {
  const std::string id = small_pool();
  Json pool = update_pool(alice_, id, {{"prefixes", {"10.11.12.0/24", "10.11.15.0/24"}}});
  EXPECT_EQ(pool["prefixes"], Json({"10.11.12.0/24", "10.11.15.0/24"}));
  pool = update_pool(alice_, id, {{"prefixes", {"10.11.0.0/16"}}, {"min_prefixlen", 24}});
  EXPECT_EQ(pool["prefixes"], Json({"10.11.0.0/16"}));
  EXPECT_EQ(pool["min_prefixlen"], "24");
  EXPECT_EQ(pool["revision_number"], 2);
  EXPECT_EQ(refusal([&] {
              update_pool(alice_, id, {{"prefixes", {"10.11.12.0/24"}}});
            }),
            Refusal(400, "IllegalSubnetPoolPrefixUpdate"));
  EXPECT_EQ(refusal([&] {
              update_pool(alice_, id, {{"prefixes", {"2001:db8::/32"}}});
            }),
            Refusal(400, "PrefixVersionMismatch"));
  EXPECT_EQ(refusal([&] {
              update_pool(alice_, id, {{"max_prefixlen", 20}});
            }),
            Refusal(400, "IllegalSubnetPoolPrefixBounds"));
  EXPECT_EQ(show_pool(alice_, id)["prefixes"], Json({"10.11.0.0/16"}));  // refusals kept it
}

TEST_F(SubnetPoolServiceTest, SubnetsTakeTheFirstFreeBlockOfTheirLength) {
  const std::string id = small_pool();
  const Json first = pool_subnet(id, {{"prefixlen", 28}});
  EXPECT_EQ(first["cidr"], "10.11.12.0/28");
  EXPECT_EQ(first["subnetpool_id"], id);
  EXPECT_EQ(first["gateway_ip"], "10.11.12.1");
  const Json other_net = create_network(alice_);
  const Json second = create_subnet(
      alice_,
      {{"network_id", other_net["id"]}, {"ip_version", 4}, {"subnetpool_id", id}});  // default /26
  EXPECT_EQ(second["cidr"], "10.11.12.64/26");
  const Json explicit_cidr = create_subnet(alice_, {{"network_id", create_network(alice_)["id"]},
                                                    {"ip_version", 4},
                                                    {"subnetpool_id", id},
                                                    {"cidr", "10.11.12.128/27"}});
  EXPECT_EQ(explicit_cidr["cidr"], "10.11.12.128/27");
}

TEST_F(SubnetPoolServiceTest, RefusedAllocationsChangeNothing) {
  const std::string id = small_pool();
  EXPECT_EQ(refusal([&] {
              pool_subnet(id, {{"prefixlen", 24}});
            }),
            Refusal(400, "MinPrefixSubnetAllocationError"));
  EXPECT_EQ(refusal([&] {
              pool_subnet(id, {{"prefixlen", 31}});
            }),
            Refusal(400, "MaxPrefixSubnetAllocationError"));
  EXPECT_EQ(refusal([&] {
              pool_subnet(id, {{"cidr", "10.99.0.0/28"}});
            }),
            Refusal(409, "SubnetAllocationError"));
  EXPECT_EQ(refusal([&] {
              pool_subnet(id, {{"cidr", "10.11.12.0/28"}, {"prefixlen", 28}});
            }),
            Refusal(400, "HTTPBadRequest"));
  EXPECT_EQ(refusal([&] { pool_subnet(id, Json::object(), 6); }), Refusal(400, "HTTPBadRequest"));
  EXPECT_EQ(refusal([&] { pool_subnet(random::uuid4()); }), Refusal(404, "SubnetPoolNotFound"));
  EXPECT_EQ(refusal([&] {
              create_subnet(alice_, {{"network_id", network_id_}, {"ip_version", 4}});
            }),
            Refusal(400, "HTTPBadRequest"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM subnets"), 0);
}

TEST_F(SubnetPoolServiceTest, ExhaustionIsAConflictAndDeleteFreesTheBlock) {
  const std::string id = small_pool();
  std::vector<std::string> subnets;
  for (int i = 0; i < 4; ++i) {
    subnets.push_back(create_subnet(alice_, {{"network_id", create_network(alice_)["id"]},
                                             {"ip_version", 4},
                                             {"subnetpool_id", id}})["id"]);
  }
  EXPECT_EQ(refusal([&] {
              pool_subnet(id, {{"prefixlen", 30}});
            }),
            Refusal(409, "SubnetAllocationError"));
  EXPECT_EQ(refusal([&] { delete_pool(alice_, id); }), Refusal(400, "SubnetPoolDeleteError"));
  db().write([&](store::SqlSession& s) { subnets_.remove(s, alice_, subnets[1]); });
  EXPECT_EQ(pool_subnet(id, {{"prefixlen", 30}})["cidr"], "10.11.12.64/30");
}

TEST_F(SubnetPoolServiceTest, OneNetworkKeepsItsSubnetsInOnePool) {
  const std::string id = small_pool();
  create_subnet(alice_, {{"network_id", network_id_}, {"ip_version", 4}, {"cidr", "10.9.0.0/24"}});
  EXPECT_EQ(refusal([&] { pool_subnet(id); }), Refusal(400, "NetworkSubnetPoolAffinityError"));
}

TEST_F(SubnetPoolServiceTest, QuotaCountsTheProjectsAddresses) {
  const std::string id = create_pool(
      alice_, {{"prefixes", {"10.0.0.0/16"}}, {"min_prefixlen", 24}, {"default_quota", 300}})["id"];
  pool_subnet(id);  // 256 addresses
  EXPECT_EQ(refusal([&] {
              create_subnet(alice_, {{"network_id", create_network(alice_)["id"]},
                                     {"ip_version", 4},
                                     {"subnetpool_id", id},
                                     {"prefixlen", 25}});
            }),
            Refusal(409, "SubnetPoolQuotaExceeded"));
}

TEST_F(SubnetPoolServiceTest, DefaultPoolServesSubnetsThatAskForIt) {
  EXPECT_EQ(refusal([&] {
              create_subnet(alice_, {{"network_id", network_id_},
                                     {"ip_version", 4},
                                     {"use_default_subnetpool", true}});
            }),
            Refusal(400, "HTTPBadRequest"));
  const std::string id =
      create_pool(admin_, {{"prefixes", {"10.50.0.0/16"}},
                           {"min_prefixlen", 24},
                           {"is_default", true}})["id"];  // not shared: still everyone's default
  const Json subnet = create_subnet(
      alice_, {{"network_id", network_id_}, {"ip_version", 4}, {"use_default_subnetpool", true}});
  EXPECT_EQ(subnet["cidr"], "10.50.0.0/24");
  EXPECT_EQ(subnet["subnetpool_id"], id);
}

TEST_F(SubnetPoolServiceTest, PrefixOpsAddAndRemoveAddresses) {
  const std::string id = small_pool();
  Json pool = db().write([&](store::SqlSession& s) {
    return pools_.add_prefixes(s, alice_, id, {{"prefixes", {"10.11.13.0/24", "192.168.0.0/24"}}});
  });
  EXPECT_EQ(pool["prefixes"], Json({"10.11.12.0/23", "192.168.0.0/24"}));
  pool_subnet(id, {{"cidr", "10.11.13.0/28"}});
  EXPECT_EQ(refusal([&] {
              db().write([&](store::SqlSession& s) {
                pools_.remove_prefixes(s, alice_, id, {{"prefixes", {"10.11.13.0/24"}}});
              });
            }),
            Refusal(400, "IllegalSubnetPoolPrefixUpdate"));
  pool = db().write([&](store::SqlSession& s) {
    return pools_.remove_prefixes(s, alice_, id, {{"prefixes", {"192.168.0.0/16"}}});
  });
  EXPECT_EQ(pool["prefixes"], Json({"10.11.12.0/23"}));
}

// Every thread allocates from one pool through its own transactions; on PostgreSQL they run
// concurrently and the pool row makes them conflict, so no block is ever handed out twice.
TEST_F(SubnetPoolServiceTest, ConcurrentAllocationsNeverShareABlock) {
  const std::string id =
      create_pool(alice_, {{"prefixes", {"10.60.0.0/24"}}, {"min_prefixlen", 28}})["id"];
  std::vector<std::string> networks;
  for (int i = 0; i < 20; ++i) {
    networks.push_back(create_network(alice_)["id"]);
  }
  std::atomic<int> refused{0};
  std::mutex mutex;
  std::vector<std::string> cidrs;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < 20; i += 4) {
        try {
          const Json subnet = create_subnet(
              alice_, {{"network_id", networks[i]}, {"ip_version", 4}, {"subnetpool_id", id}});
          std::lock_guard lock(mutex);
          cidrs.push_back(subnet["cidr"]);
        } catch (const api::ApiError& e) {
          EXPECT_EQ(e.type(), "SubnetAllocationError");
          ++refused;
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(cidrs.size(), 16u);  // a /24 holds sixteen /28s
  EXPECT_EQ(refused.load(), 4);
  EXPECT_EQ(std::set<std::string>(cidrs.begin(), cidrs.end()).size(), 16u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM subnets"), 16);
}

}  // namespace
}  // namespace neutrino::neutron
