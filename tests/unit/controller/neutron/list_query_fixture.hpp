#pragma once
// Shared data for the list query tests: five ports whose attributes cover every filter form,
// given out of id order so sorting is visible.
#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "controller/api/api_error.hpp"
#include "controller/http/http_request.hpp"
#include "controller/neutron/list_query.hpp"
#include "controller/neutron/list_query_engine.hpp"

namespace neutrino::neutron::testing {

inline const std::string kBase = "http://127.0.0.1:9696/v2.0/ports";

inline const std::set<std::string> kAttributes = {
    "id",   "name",        "admin_state_up", "mtu",        "security_groups",
    "tags", "description", "fixed_ips",      "mac_address"};

inline std::vector<Json> ports() {
  return {
      Json::parse(R"({"id": "p3", "name": "web", "admin_state_up": true, "mtu": 1450,
        "security_groups": [], "tags": [], "description": "x", "mac_address": "fa:16:3e:00:00:03",
        "fixed_ips": [{"subnet_id": "s2", "ip_address": "10.1.0.7"}]})"),
      Json::parse(R"({"id": "p1", "name": "web", "admin_state_up": true, "mtu": 1500,
        "security_groups": ["sg1"], "tags": ["red", "blue"], "description": "",
        "mac_address": "FA:16:3E:00:00:01",
        "fixed_ips": [{"subnet_id": "s1", "ip_address": "10.0.0.5"}]})"),
      Json::parse(R"({"id": "p5", "name": null, "admin_state_up": false, "mtu": 1500,
        "security_groups": ["sg3"], "tags": ["green"], "description": "y",
        "mac_address": "fa:16:3e:00:00:05",
        "fixed_ips": [{"subnet_id": "s1", "ip_address": "10.0.0.50"}]})"),
      Json::parse(R"({"id": "p2", "name": "db", "admin_state_up": false, "mtu": 1450,
        "security_groups": ["sg1", "sg2"], "tags": ["red"], "description": null,
        "mac_address": "fa:16:3e:00:00:02",
        "fixed_ips": [{"subnet_id": "s1", "ip_address": "10.0.0.6"},
                      {"subnet_id": "s2", "ip_address": "10.1.0.5"}]})"),
      Json::parse(R"({"id": "p4", "name": "", "admin_state_up": true, "mtu": 1500,
        "security_groups": ["sg2"], "tags": ["blue", "green"], "description": null,
        "mac_address": "fa:16:3e:00:00:04", "fixed_ips": []})"),
  };
}

// Runs a raw query string ("name=web&limit=2") through parse and apply.
inline Json list(const std::string& raw, std::vector<Json> items = ports()) {
  const auto query = parse_list_query(http::parse_query(raw), kAttributes);
  return apply_list_query(std::move(items), query, {"ports", kBase, {}});
}

inline std::vector<std::string> ids(const Json& result) {
  std::vector<std::string> out;
  for (const auto& port : result.at("ports")) {
    out.push_back(port.at("id").get<std::string>());
  }
  return out;
}

inline std::vector<std::string> listed_ids(const std::string& raw) {
  return ids(list(raw));
}

// The href of the link with that rel, "" when absent.
inline std::string href(const Json& result, const std::string& rel) {
  if (!result.contains("ports_links")) {
    return "";
  }
  for (const auto& link : result.at("ports_links")) {
    if (link.at("rel") == rel) {
      return link.at("href").get<std::string>();
    }
  }
  return "";
}

// Expects `action` to throw an ApiError with exactly this status, type and message.
inline void expect_error(const std::function<void()>& action, int status, const std::string& type,
                         const std::string& message) {
  try {
    action();
    ADD_FAILURE() << "expected " << type << ": " << message;
  } catch (const api::ApiError& error) {
    EXPECT_EQ(error.status(), status);
    EXPECT_EQ(error.type(), type);
    EXPECT_EQ(std::string(error.what()), message);
  }
}

inline void expect_bad_list(const std::string& raw, const std::string& type,
                            const std::string& message) {
  expect_error([&raw] { list(raw); }, 400, type, message);
}

using Ids = std::vector<std::string>;

}  // namespace neutrino::neutron::testing
