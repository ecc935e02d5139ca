#pragma once
// What the API benchmarks share: an admin token from the bench controller, checked POST and
// PUT, and throughput with latency percentiles from a run's per-request latencies.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/http_client.hpp"
#include "common/json.hpp"

namespace neutrino::bench {

struct Phase {
  double per_second = 0;
  double p50_ms = 0;
  double p99_ms = 0;
};

Phase summarize(std::vector<double> latencies_ms, double wall_seconds);
// One request of a benchmark, sent on the given keep-alive client.
using Request = std::function<void(HttpClient&)>;
// `count` requests one after another on `client`, each timed.
Phase measure_sequential(HttpClient& client, int count, const Request& request);
// `clients` threads at once, each with its own connection to 127.0.0.1:`port`, sending
// `count_per_client` requests; throughput is over the wall time of the whole run.
Phase measure_concurrent(uint16_t port, int clients, int count_per_client, const Request& request);
// The API benchmarks' command line: "--<name> <value>" pairs; `count` is --requests or --ports,
// `binary` the controller (default: neutrino-controller beside the benchmark).
struct Options {
  int count = 0;
  int clients = 8;
  std::string binary;
};
Options parse_options(int argc, char** argv, const std::string& count_flag, int default_count);
// A token for admin/admin from a controller started by ControllerProcess.
std::string admin_token(HttpClient& client);
// POST with the token; throws unless the answer is 201. Returns the parsed body.
Json post_json(HttpClient& client, const std::string& token, const std::string& path,
               const Json& body);
// PUT with the token; throws unless the answer is 200. Returns the parsed body.
Json put_json(HttpClient& client, const std::string& token, const std::string& path,
              const Json& body);

}  // namespace neutrino::bench
