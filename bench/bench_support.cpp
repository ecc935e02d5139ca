#include "bench/bench_support.hpp"

#include <algorithm>
#include <stdexcept>

#include "bench/controller_process.hpp"

namespace neutrino::bench {

Phase summarize(std::vector<double> latencies_ms, double wall_seconds) {
  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto at = [&](double q) {
    return latencies_ms[std::min(
        latencies_ms.size() - 1,
        static_cast<size_t>(q * static_cast<double>(latencies_ms.size())))];
  };
  return Phase{static_cast<double>(latencies_ms.size()) / wall_seconds, at(0.50), at(0.99)};
}

std::string admin_token(HttpClient& client) {
  const Json body = {
      {"auth",
       {{"identity",
         {{"methods", {"password"}},
          {"password",
           {{"user",
             {{"name", "admin"},
              {"domain", {{"id", "default"}}},
              {"password", ControllerProcess::kAdminPassword}}}}}}},
        {"scope", {{"project", {{"name", "admin"}, {"domain", {{"id", "default"}}}}}}}}}};
  auto r = client.request("POST", "/v3/auth/tokens", body.dump());
  if (r.status != 201) {
    throw std::runtime_error("token request failed: " + r.body);
  }
  return r.headers.at("x-subject-token");
}

Json post_json(HttpClient& client, const std::string& token, const std::string& path,
               const Json& body) {
  auto r = client.request("POST", path, body.dump(), {{"X-Auth-Token", token}});
  if (r.status != 201) {
    throw std::runtime_error("POST " + path + " -> " + std::to_string(r.status) + " " + r.body);
  }
  return Json::parse(r.body);
}

}  // namespace neutrino::bench
