// Metadata service throughput and latency through the real controller: signed GETs of
// /latest/meta-data/instance-id (the smallest document) and /openstack/latest/meta_data.json
// (the largest common one, with its 512-byte random seed), as the agent's proxy sends them,
// from one keep-alive client and then from C concurrent ones. Every answer is checked.
//
//   build/bin/metadata_bench [--requests 5000] [--clients 8] [--controller
//   build/bin/neutrino-controller]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "bench/bench_support.hpp"
#include "bench/controller_process.hpp"
#include "common/channel/hmac_signer.hpp"
#include "common/http_client.hpp"
#include "common/json.hpp"

namespace {

using neutrino::HttpClient;
using neutrino::Json;
using neutrino::bench::admin_token;
using neutrino::bench::Phase;
using neutrino::bench::post_json;
using neutrino::bench::summarize;

constexpr const char* kSecret = "bench-metadata-secret";

uint16_t metadata_port(const std::filesystem::path& data_dir) {
  std::ifstream in(data_dir / "metadata.url");
  std::string url;
  if (!(in >> url)) {
    throw std::runtime_error("the controller published no metadata.url");
  }
  return static_cast<uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
}

// What the proxy adds to a guest's request.
struct Guest {
  std::string instance_id;
  std::string project_id;
  std::string address;
  std::string ec2_id;

  std::vector<std::pair<std::string, std::string>> headers() const {
    return {{"X-Instance-ID", instance_id},
            {"X-Tenant-ID", project_id},
            {"X-Forwarded-For", address},
            {"X-Instance-ID-Signature", neutrino::channel::HmacSigner(kSecret).sign(instance_id)}};
  }
};

Guest register_guest(HttpClient& api, const std::string& tok) {
  const std::string project = "bench-project";
  const std::string network =
      post_json(api, tok, "/v2.0/networks",
                {{"network", {{"name", "bench"}, {"project_id", project}}}})["network"]["id"];
  post_json(api, tok, "/v2.0/subnets",
            {{"subnet",
              {{"network_id", network},
               {"ip_version", 4},
               {"cidr", "10.0.0.0/24"},
               {"dns_nameservers", {"10.0.0.2"}},
               {"project_id", project}}}});
  const Json instance = post_json(api, tok, "/v2.1/neutrino/instances",
                                  {{"instance",
                                    {{"name", "bench-vm"},
                                     {"project_id", project},
                                     {"key_name", "bench"},
                                     {"public_key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 bench"},
                                     {"user_data", "I2Nsb3VkLWNvbmZpZwo="}}}})["instance"];
  const Json port = post_json(api, tok, "/v2.0/ports",
                              {{"port",
                                {{"network_id", network},
                                 {"device_id", instance["id"]},
                                 {"project_id", project}}}})["port"];
  return {instance["id"], project, port["fixed_ips"][0]["ip_address"], instance["ec2_id"]};
}

void check(const HttpClient::Result& r, const std::string& path, const Guest& guest) {
  const bool ok = r.status == 200 && (path.find("instance-id") == std::string::npos
                                          ? r.body.find(guest.instance_id) != std::string::npos
                                          : r.body == guest.ec2_id);
  if (!ok) {
    throw std::runtime_error("GET " + path + " -> " + std::to_string(r.status) + " " + r.body);
  }
}

std::pair<Phase, Phase> measure(uint16_t port, const Guest& guest, const std::string& path,
                                int requests, int clients) {
  const auto headers = guest.headers();
  const neutrino::bench::Request get = [&](HttpClient& client) {
    check(client.request("GET", path, "", headers), path, guest);
  };
  HttpClient client("127.0.0.1", port);
  neutrino::bench::measure_sequential(client, std::min(requests / 10, 200), get);  // warm-up
  const Phase sequential = neutrino::bench::measure_sequential(client, requests, get);
  return {sequential, neutrino::bench::measure_concurrent(port, clients, requests / clients, get)};
}

}  // namespace

int main(int argc, char** argv) {
  const auto [requests, clients, binary] =
      neutrino::bench::parse_options(argc, argv, "--requests", 5000);
  try {
    neutrino::bench::ControllerProcess controller(
        binary,
        {"--db-sync", "normal", "--metadata-listen", "127.0.0.1:0", "--metadata-secret", kSecret});
    HttpClient api("127.0.0.1", controller.port());
    const Guest guest = register_guest(api, admin_token(api));
    const uint16_t port = metadata_port(controller.data_dir());
    std::printf("signed metadata GETs, %d requests per phase, %d clients\n", requests, clients);
    std::printf("%-36s %-12s %10s %9s %9s\n", "path", "phase", "req/s", "p50 ms", "p99 ms");
    for (const std::string path :
         {"/latest/meta-data/instance-id", "/openstack/latest/meta_data.json"}) {
      const auto [sequential, concurrent] = measure(port, guest, path, requests, clients);
      for (const auto& [name, phase] :
           {std::pair{"sequential", sequential}, std::pair{"concurrent", concurrent}}) {
        std::printf("%-36s %-12s %10.0f %9.2f %9.2f\n", path.c_str(), name, phase.per_second,
                    phase.p50_ms, phase.p99_ms);
      }
      std::printf("%-36s concurrent/sequential throughput %.2fx\n", "",
                  concurrent.per_second / sequential.per_second);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "metadata_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
