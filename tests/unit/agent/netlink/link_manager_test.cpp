#include "agent/netlink/link_manager.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "agent/netlink/namespace_exec.hpp"
#include "tests/unit/agent/netlink/netns_fixture.hpp"

namespace neutrino::agent::netlink::testing {
namespace {

using nlohmann::json;

// `ip -j` output for a command run inside `ns`.
json ip_json(const std::string& ns, const std::string& args) {
  const CommandResult r = run("ip -n " + ns + " -j " + args);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return json::parse(r.output, nullptr, false);
}

bool has_address(const std::vector<AddressInfo>& addresses, const std::string& cidr) {
  return std::any_of(addresses.begin(), addresses.end(),
                     [&](const AddressInfo& a) { return a.cidr == cidr; });
}

bool has_route(const std::vector<RouteInfo>& routes, const RouteInfo& route) {
  return std::find(routes.begin(), routes.end(), route) != routes.end();
}

std::string subnet(int third_octet_offset) {
  return "10.250." + std::to_string((subnet_octet() + third_octet_offset) % 256) + ".0/24";
}

class LinkManagerTest : public ConnectedNamespacesTest {};

TEST_F(LinkManagerTest, VethBetweenNamespacesCarriesTraffic) {
  LinkManager in_a(a());
  LinkManager in_b(b());
  // The peer was created in B directly: A does not have it, B does.
  EXPECT_FALSE(in_a.find_link(b_if()));
  ASSERT_TRUE(in_b.find_link(b_if()));
  EXPECT_EQ(ping(a(), ip4(2)), 0);
  EXPECT_EQ(ping(b(), ip4(1)), 0);
  EXPECT_NE(ping(a(), ip4(3)), 0);  // the assertion can fail: nobody has .3
}

TEST_F(LinkManagerTest, MtuMacAndAddressesReadBackThroughNetlinkAndIp) {
  LinkManager in_a(a());
  LinkManager in_b(b());
  const std::string mac = "fa:16:3e:12:34:56";
  in_a.set_mtu(a_if(), 1450);
  in_b.set_mtu(b_if(), 1450);
  in_a.set_mac(a_if(), mac);

  const auto link = in_a.find_link(a_if());
  ASSERT_TRUE(link);
  EXPECT_EQ(link->name, a_if());
  EXPECT_EQ(link->kind, "veth");
  EXPECT_EQ(link->mtu, 1450u);
  EXPECT_EQ(link->mac, mac);
  EXPECT_TRUE(link->up());
  EXPECT_EQ(link->operstate, "up");
  EXPECT_GT(link->ifindex, 0);
  const auto addresses = in_a.list_addresses(a_if());
  ASSERT_EQ(addresses.size(), 2u);  // ours and the IPv6 link-local one
  EXPECT_TRUE(has_address(addresses, ip4(1) + "/24"));
  for (const auto& address : addresses) {
    EXPECT_EQ(address.device, a_if());
    EXPECT_EQ(address.ifindex, link->ifindex);
  }

  const json shown = ip_json(a(), "addr show dev " + a_if());
  ASSERT_TRUE(shown.is_array() && shown.size() == 1) << shown.dump();
  EXPECT_EQ(shown[0]["ifindex"], link->ifindex);
  EXPECT_EQ(shown[0]["mtu"], 1450);
  EXPECT_EQ(shown[0]["address"], mac);
  const auto& info = shown[0]["addr_info"];
  const auto v4 =
      std::find_if(info.begin(), info.end(), [](const json& a) { return a["family"] == "inet"; });
  ASSERT_NE(v4, info.end()) << shown.dump();
  EXPECT_EQ((*v4)["local"], ip4(1));
  EXPECT_EQ((*v4)["prefixlen"], 24);
  EXPECT_EQ((*v4)["broadcast"], ip4(255));

  // The MTU is in force: 1450 - 28 bytes of IP and ICMP headers fit, one more does not.
  EXPECT_EQ(ping(a(), ip4(2), "-M do -s 1422"), 0);
  EXPECT_NE(ping(a(), ip4(2), "-M do -s 1423"), 0);
}

TEST_F(LinkManagerTest, Ipv6AddressesAddListAndDelete) {
  LinkManager in_a(a());
  in_a.add_address(a_if(), "fd00:250::1/64");
  EXPECT_TRUE(has_address(in_a.list_addresses(a_if()), "fd00:250::1/64"));
  EXPECT_TRUE(has_address(in_a.list_addresses(), "fd00:250::1/64"));
  const json shown = ip_json(a(), "-6 addr show dev " + a_if());
  EXPECT_NE(shown.dump().find("\"local\":\"fd00:250::1\""), std::string::npos) << shown.dump();

  in_a.delete_address(a_if(), "fd00:250::1/64");
  EXPECT_FALSE(has_address(in_a.list_addresses(a_if()), "fd00:250::1/64"));
  in_a.delete_address(a_if(), ip4(1) + "/24");
  EXPECT_FALSE(has_address(in_a.list_addresses(a_if()), ip4(1) + "/24"));
  EXPECT_NE(ping(b(), ip4(1)), 0);
}

// A prefix behind B, reachable from A only through the route via B's address.
TEST_F(LinkManagerTest, RoutesViaGatewayAndDefault) {
  LinkManager in_a(a());
  LinkManager in_b(b());
  const std::string remote_net = subnet(1);
  const std::string remote_ip = remote_net.substr(0, remote_net.size() - 4) + "1";
  in_b.add_address("lo", remote_ip + "/32");
  EXPECT_NE(ping(a(), remote_ip), 0);  // no route yet

  const RouteInfo via_b{remote_net, ip4(2), ""};
  in_a.add_route(via_b);
  EXPECT_EQ(ping(a(), remote_ip), 0);
  EXPECT_TRUE(has_route(in_a.list_routes(), {remote_net, ip4(2), a_if()}));
  const json routes = ip_json(a(), "route show " + remote_net);
  ASSERT_TRUE(routes.is_array() && routes.size() == 1) << routes.dump();
  EXPECT_EQ(routes[0]["gateway"], ip4(2));
  EXPECT_EQ(routes[0]["dev"], a_if());
  EXPECT_EQ(routes[0]["protocol"], "static");

  in_a.delete_route(via_b);
  EXPECT_FALSE(has_route(in_a.list_routes(), {remote_net, ip4(2), a_if()}));
  EXPECT_NE(ping(a(), remote_ip), 0);

  const RouteInfo default_route{"default", ip4(2), a_if()};
  in_a.add_route(default_route);
  EXPECT_TRUE(has_route(in_a.list_routes(), default_route));
  EXPECT_EQ(ping(a(), remote_ip), 0);
  const json shown = ip_json(a(), "route show default");
  ASSERT_TRUE(shown.is_array() && shown.size() == 1) << shown.dump();
  EXPECT_EQ(shown[0]["gateway"], ip4(2));
  in_a.delete_route(default_route);
  EXPECT_TRUE(ip_json(a(), "route show default").empty());

  // An on-link route names the device and no gateway.
  const RouteInfo on_link{subnet(2), "", a_if()};
  in_a.add_route(on_link);
  EXPECT_TRUE(has_route(in_a.list_routes(), on_link));
  const json scoped = ip_json(a(), "route show " + subnet(2));
  ASSERT_EQ(scoped.size(), 1u) << scoped.dump();
  EXPECT_EQ(scoped[0]["scope"], "link");
  in_a.delete_route(on_link);
  EXPECT_FALSE(has_route(in_a.list_routes(), on_link));
}

TEST_F(LinkManagerTest, TapDeviceIsPersistentAndOwned) {
  LinkManager in_a(a());
  const std::string tap = prefix() + "-t0";
  in_a.create_tap(tap, 65534);
  const auto link = in_a.find_link(tap);
  ASSERT_TRUE(link);
  EXPECT_EQ(link->kind, "tun");
  EXPECT_EQ(link->mac.size(), 17u);
  // `ip netns exec` remounts /sys for the namespace, so this is the tap's own sysfs entry.
  const CommandResult owner = run("ip netns exec " + a() + " cat /sys/class/net/" + tap + "/owner");
  EXPECT_EQ(owner.output, "65534\n");
  const CommandResult flags =
      run("ip netns exec " + a() + " cat /sys/class/net/" + tap + "/tun_flags");
  EXPECT_EQ(flags.output, "0x1802\n");  // IFF_TAP | IFF_NO_PI | IFF_PERSIST
  EXPECT_FALSE(LinkManager(b()).find_link(tap));

  EXPECT_THROW(in_a.create_tap(tap), NetlinkError);
  in_a.set_mtu(tap, 1450);
  in_a.set_up(tap);
  EXPECT_EQ(ip_json(a(), "link show " + tap)[0]["mtu"], 1450);
  in_a.delete_link(tap);
  EXPECT_FALSE(in_a.find_link(tap));
}

TEST_F(LinkManagerTest, MoveLinkToAnotherNamespace) {
  LinkManager in_a(a());
  LinkManager in_b(b());
  const std::string left = prefix() + "-m0";
  const std::string right = prefix() + "-m1";
  in_a.create_veth(left, right);
  ASSERT_TRUE(in_a.find_link(right));
  in_a.move_to_namespace(right, b());
  EXPECT_FALSE(in_a.find_link(right));
  ASSERT_TRUE(in_b.find_link(right));
  in_b.delete_link(right);  // takes its peer with it
  EXPECT_FALSE(in_a.find_link(left));
}

TEST_F(LinkManagerTest, SetDownAndListLinks) {
  LinkManager in_a(a());
  in_a.set_down(a_if());
  const auto down = in_a.find_link(a_if());
  EXPECT_FALSE(down->up());
  EXPECT_EQ(down->operstate, "down");
  EXPECT_NE(ping(a(), ip4(2)), 0);
  const auto links = in_a.list_links();
  std::vector<std::string> names;
  for (const auto& link : links) {
    names.push_back(link.name);
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"lo", a_if()}));
}

TEST_F(LinkManagerTest, ErrorsNameOperationInterfaceAndNamespace) {
  LinkManager in_a(a());
  const std::string missing = prefix() + "-no";
  try {
    in_a.set_mtu(missing, 1450);
    FAIL() << "set_mtu on a missing interface succeeded";
  } catch (const NetlinkError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("set_mtu " + missing), std::string::npos) << what;
    EXPECT_NE(what.find("netns " + a()), std::string::npos) << what;
    EXPECT_NE(e.code(), 0);
  }
  try {
    in_a.add_address(a_if(), ip4(1) + "/24");
    FAIL() << "adding an existing address succeeded";
  } catch (const NetlinkError& e) {
    EXPECT_NE(std::string(e.what()).find("add_address " + a_if() + " " + ip4(1) + "/24"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(in_a.set_mtu(a_if(), 10), NetlinkError);  // below the minimum
  EXPECT_THROW(in_a.delete_link(missing), NetlinkError);
  EXPECT_THROW(in_a.create_veth(a_if(), prefix() + "-zz"), NetlinkError);
  EXPECT_THROW(in_a.add_route({"default", "", ""}), std::invalid_argument);
  EXPECT_THROW(in_a.add_address(a_if(), "10.250.0.1"), std::invalid_argument);
  EXPECT_THROW(in_a.add_address(a_if(), "10.250.0.300/24"), std::invalid_argument);
  EXPECT_THROW(in_a.add_address(a_if(), "10.250.0.1/33"), std::invalid_argument);
  EXPECT_THROW(in_a.set_mac(a_if(), "fa:16:3e:12:34"), std::invalid_argument);
  EXPECT_THROW(in_a.create_tap("a-name-longer-than-15"), std::invalid_argument);
  EXPECT_THROW(LinkManager(prefix() + "none"), std::system_error);
}

// An empty namespace name means "where the constructing thread is": on a thread inside A it is
// A, without naming it.
TEST_F(LinkManagerTest, EmptyNamespaceMeansTheCurrentThreadsOne) {
  const auto found = run_in(a(), [&] { return LinkManager().find_link(a_if()).has_value(); });
  EXPECT_TRUE(found);
  EXPECT_FALSE(LinkManager().find_link(a_if()));  // this thread is still in the host namespace
}

// Nothing of the test survives removing its namespaces: no names, no interfaces anywhere.
TEST_F(LinkManagerTest, RemovingTheNamespacesLeavesNothingBehind) {
  {
    LinkManager in_a(a());
    in_a.create_tap(prefix() + "-t1");
  }
  const std::string a_name = a();
  const std::string b_name = b();
  a_.reset();
  b_.reset();
  const CommandResult netns = run("ip netns list");
  EXPECT_EQ(netns.output.find(prefix()), std::string::npos) << netns.output;
  EXPECT_TRUE(
      wait_until([] { return run("ip -o link show").output.find(prefix()) == std::string::npos; }));
  EXPECT_NE(run("ip netns exec " + a_name + " true").exit_code, 0);
  EXPECT_NE(run("ip netns exec " + b_name + " true").exit_code, 0);
}

}  // namespace
}  // namespace neutrino::agent::netlink::testing
