#include "controller/neutron/extra_dhcp_opts.hpp"

#include <gtest/gtest.h>

#include "service_fixture.hpp"

namespace neutrino::neutron {
namespace {

using Refusal = std::pair<int, std::string>;

class ExtraDhcpOptsTest : public testing::ServiceFixture {
 protected:
  void SetUp() override {
    ServiceFixture::SetUp();
    network_id_ = create_network(alice_)["id"];
    create_subnet(alice_,
                  {{"network_id", network_id_}, {"ip_version", 4}, {"cidr", "10.0.0.0/24"}});
  }
  Json port(Json extra = Json::object()) {
    Json body = {{"network_id", network_id_}};
    body.update(extra);
    return create_port(alice_, body);
  }
  static Json opt(const std::string& name, Json value, Json version = nullptr) {
    Json o = {{"opt_name", name}, {"opt_value", value}};
    if (!version.is_null()) {
      o["ip_version"] = version;
    }
    return o;
  }
  std::string network_id_;
};

TEST_F(ExtraDhcpOptsTest, ShownWithTheirIpVersion) {
  const Json p = port({{"extra_dhcp_opts",
                        {opt("bootfile-name", "pxelinux.0"), opt("tftp-server", "2015::dead", 6),
                         opt("server-ip-address", "123.123.123.45", "4")}}});
  EXPECT_EQ(p["extra_dhcp_opts"],
            Json({{{"opt_name", "bootfile-name"}, {"opt_value", "pxelinux.0"}, {"ip_version", 4}},
                  {{"opt_name", "tftp-server"}, {"opt_value", "2015::dead"}, {"ip_version", 6}},
                  {{"opt_name", "server-ip-address"},
                   {"opt_value", "123.123.123.45"},
                   {"ip_version", 4}}}));
  EXPECT_EQ(port()["extra_dhcp_opts"], Json::array());
}

TEST_F(ExtraDhcpOptsTest, UpdateMergesByNameAndVersionAndNullRemoves) {
  const std::string id =
      port({{"extra_dhcp_opts", {opt("bootfile-name", "a"), opt("66", "10.0.0.9")}}})["id"];
  Json p = update_port(alice_, id,
                       {{"extra_dhcp_opts", {opt("bootfile-name", "b"), opt("mtu", "1400")}}});
  ASSERT_EQ(p["extra_dhcp_opts"].size(), 3u);
  EXPECT_EQ(p["extra_dhcp_opts"][0]["opt_value"], "b");
  EXPECT_EQ(p["extra_dhcp_opts"][1]["opt_name"], "66");
  EXPECT_EQ(p["extra_dhcp_opts"][2]["opt_name"], "mtu");
  p = update_port(alice_, id, {{"extra_dhcp_opts", {opt("66", nullptr)}}});
  EXPECT_EQ(p["extra_dhcp_opts"].size(), 2u);
  p = update_port(alice_, id, {{"extra_dhcp_opts", nullptr}});
  EXPECT_EQ(p["extra_dhcp_opts"].size(), 2u);
}

TEST_F(ExtraDhcpOptsTest, NeutronsValidation) {
  EXPECT_EQ(port({{"extra_dhcp_opts", {opt("router", "")}}})["extra_dhcp_opts"].size(), 1u);
  const std::string long_name(65, 'n');
  const std::string long_value(256, 'v');
  for (const Json& bad :
       {Json("x"), Json({"x"}), Json({opt("tftp-server", "")}), Json({opt("", "v")}),
        Json({opt(long_name, "v")}), Json({opt("bootfile-name", long_value)}),
        Json({opt("bootfile-name", "a\nb")}), Json({opt("bootfile-name", "a", 5)}),
        Json({opt("bootfile-name", "a", "four")}), Json({opt("mtu", 1400)}),
        Json({{{"opt_name", "mtu"}}}), Json({{{"opt_name", "mtu"}, {"opt_value", "1"}, {"x", 1}}}),
        Json({opt("mtu", "1400"), opt("mtu", "1300")})}) {
    EXPECT_EQ(refusal([&] {
                port({{"extra_dhcp_opts", bad}});
              }),
              Refusal(400, "HTTPBadRequest"))
        << bad;
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM extradhcpopts"), 1);
}

}  // namespace
}  // namespace neutrino::neutron
