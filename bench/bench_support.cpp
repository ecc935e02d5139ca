#include "bench/bench_support.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "bench/controller_process.hpp"

namespace neutrino::bench {

Options parse_options(int argc, char** argv, const std::string& count_flag, int default_count) {
  Options options{
      .count = default_count,
      .binary = (std::filesystem::path(argv[0]).parent_path() / "neutrino-controller").string()};
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == count_flag) {
      options.count = std::stoi(argv[i + 1]);
    } else if (flag == "--clients") {
      options.clients = std::stoi(argv[i + 1]);
    } else if (flag == "--controller") {
      options.binary = argv[i + 1];
    }
  }
  return options;
}

Phase summarize(std::vector<double> latencies_ms, double wall_seconds) {
  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto at = [&](double q) {
    return latencies_ms[std::min(
        latencies_ms.size() - 1,
        static_cast<size_t>(q * static_cast<double>(latencies_ms.size())))];
  };
  return Phase{static_cast<double>(latencies_ms.size()) / wall_seconds, at(0.50), at(0.99)};
}

namespace {

using Clock = std::chrono::steady_clock;

void timed(HttpClient& client, int count, const Request& request, std::vector<double>& latencies) {
  for (int i = 0; i < count; ++i) {
    const auto start = Clock::now();
    request(client);
    latencies.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

Phase measure_sequential(HttpClient& client, int count, const Request& request) {
  std::vector<double> latencies;
  const auto start = Clock::now();
  timed(client, count, request, latencies);
  return summarize(std::move(latencies), seconds_since(start));
}

Phase measure_concurrent(uint16_t port, int clients, int count_per_client, const Request& request) {
  std::vector<std::vector<double>> per_client(static_cast<size_t>(clients));
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      HttpClient client("127.0.0.1", port);
      timed(client, count_per_client, request, per_client[static_cast<size_t>(c)]);
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  const double wall = seconds_since(start);
  std::vector<double> all;
  for (const auto& latencies : per_client) {
    all.insert(all.end(), latencies.begin(), latencies.end());
  }
  return summarize(std::move(all), wall);
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

namespace {

Json checked(HttpClient& client, const std::string& method, int expected, const std::string& token,
             const std::string& path, const Json& body) {
  auto r = client.request(method, path, body.dump(), {{"X-Auth-Token", token}});
  if (r.status != expected) {
    throw std::runtime_error(method + " " + path + " -> " + std::to_string(r.status) + " " +
                             r.body);
  }
  return Json::parse(r.body);
}

}  // namespace

Json post_json(HttpClient& client, const std::string& token, const std::string& path,
               const Json& body) {
  return checked(client, "POST", 201, token, path, body);
}

Json put_json(HttpClient& client, const std::string& token, const std::string& path,
              const Json& body) {
  return checked(client, "PUT", 200, token, path, body);
}

}  // namespace neutrino::bench
