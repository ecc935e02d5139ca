// Port creation throughput and latency through the real HTTP API: N sequential creates, then
// N creates from C concurrent clients, for each durability mode of the embedded store, or on
// the PostgreSQL database given with --database (an empty one: the bench adds to it), printed
// side by side with ratios. Also checks that no address was handed out twice.
//
//   build/bin/port_create_bench [--ports 1000] [--clients 8] [--controller
//   build/bin/neutrino-controller] [--database postgresql://...]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/bench_support.hpp"
#include "bench/controller_process.hpp"
#include "common/http_client.hpp"
#include "common/json.hpp"

namespace {

using neutrino::HttpClient;
using neutrino::Json;
using neutrino::bench::admin_token;
using neutrino::bench::Phase;
using neutrino::bench::post_json;
using neutrino::bench::summarize;

struct Result {
  Phase sequential;
  Phase concurrent;
};

// `store`: a SQLite --db-sync mode, or a --database URL.
Result run(const std::string& binary, const std::string& store, int ports, int clients) {
  const bool postgres = store.find("://") != std::string::npos;
  neutrino::bench::ControllerProcess controller(binary,
                                                {postgres ? "--database" : "--db-sync", store});
  HttpClient setup("127.0.0.1", controller.port());
  const std::string tok = admin_token(setup);
  const std::string network =
      post_json(setup, tok, "/v2.0/networks", {{"network", {{"name", "bench"}}}})["network"]["id"];
  post_json(setup, tok, "/v2.0/subnets",
            {{"subnet", {{"network_id", network}, {"ip_version", 4}, {"cidr", "10.0.0.0/16"}}}});
  const Json port_body = {{"port", {{"network_id", network}}}};

  const neutrino::bench::Request create = [&](HttpClient& client) {
    post_json(client, tok, "/v2.0/ports", port_body);
  };
  Result result;
  result.sequential = neutrino::bench::measure_sequential(setup, ports, create);
  result.concurrent =
      neutrino::bench::measure_concurrent(controller.port(), clients, ports / clients, create);
  // Every address handed out exactly once.
  auto listed = setup.request("GET", "/v2.0/ports?fields=fixed_ips", "", {{"X-Auth-Token", tok}});
  std::set<std::string> addresses;
  size_t total = 0;
  for (const auto& p : Json::parse(listed.body)["ports"]) {
    for (const auto& ip : p["fixed_ips"]) {
      addresses.insert(ip["ip_address"].get<std::string>());
      ++total;
    }
  }
  if (addresses.size() != total) {
    throw std::runtime_error("duplicate IP addresses handed out");
  }
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  const auto [ports, clients, binary] = neutrino::bench::parse_options(argc, argv, "--ports", 1000);
  std::string database;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--database") {
      database = argv[i + 1];
    }
  }
  try {
    if (!database.empty()) {
      std::printf(
          "port create through POST /v2.0/ports on PostgreSQL, %d ports per phase, %d "
          "clients\n",
          ports, clients);
      const Result r = run(binary, database, ports, clients);
      std::printf("%-10s %-12s %10s %9s %9s\n", "store", "phase", "ports/s", "p50 ms", "p99 ms");
      for (const auto& [name, phase] :
           {std::pair{"sequential", r.sequential}, std::pair{"concurrent", r.concurrent}}) {
        std::printf("%-10s %-12s %10.0f %9.2f %9.2f\n", "postgresql", name, phase.per_second,
                    phase.p50_ms, phase.p99_ms);
      }
      std::printf("ratio: concurrent/sequential throughput %.2fx\n",
                  r.concurrent.per_second / r.sequential.per_second);
      return 0;
    }
    std::printf("port create through POST /v2.0/ports, %d ports per phase, %d clients\n", ports,
                clients);
    std::printf("%-8s %-12s %10s %9s %9s\n", "db-sync", "phase", "ports/s", "p50 ms", "p99 ms");
    std::vector<std::pair<std::string, Result>> results;
    for (const std::string sync : {"full", "normal"}) {
      const Result r = run(binary, sync, ports, clients);
      results.emplace_back(sync, r);
      for (const auto& [name, phase] :
           {std::pair{"sequential", r.sequential}, std::pair{"concurrent", r.concurrent}}) {
        std::printf("%-8s %-12s %10.0f %9.2f %9.2f\n", sync.c_str(), name, phase.per_second,
                    phase.p50_ms, phase.p99_ms);
      }
    }
    const auto& full = results[0].second;
    const auto& normal = results[1].second;
    std::printf(
        "ratios: concurrent/sequential throughput (full) %.2fx, normal/full sequential "
        "throughput %.2fx\n",
        full.concurrent.per_second / full.sequential.per_second,
        normal.sequential.per_second / full.sequential.per_second);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "port_create_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
