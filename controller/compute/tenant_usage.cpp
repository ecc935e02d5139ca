#include "controller/compute/tenant_usage.hpp"

#include <algorithm>

#include "common/clock.hpp"
#include "controller/api/api_error.hpp"
#include "controller/compute/compute_time.hpp"

namespace neutrino::compute {
namespace {

int64_t parse_time(const http::QueryParams& query, const std::string& key, int64_t now) {
  for (const auto& [k, v] : query) {
    if (k == key && !v.empty()) {
      const auto parsed = clock::parse_iso8601(v);
      if (!parsed) {
        throw api::bad_request("Datetime is in invalid format");
      }
      return *parsed;
    }
  }
  return now;
}

}  // namespace

UsagePeriod parse_usage_period(const http::QueryParams& query, int64_t now) {
  UsagePeriod period{parse_time(query, "start", now), parse_time(query, "end", now)};
  period.stop = std::min(period.stop, now);
  if (period.start > period.stop) {
    throw api::bad_request("Invalid start time. The start time cannot occur after the end time.");
  }
  return period;
}

bool active_in(const ServerRecord& server, const UsagePeriod& period) {
  return !server.launched_at || *server.launched_at <= period.stop;
}

Json server_usage(const ServerRecord& server, const UsagePeriod& period, int64_t now) {
  double hours = 0;
  if (server.launched_at && *server.launched_at <= period.stop) {
    const int64_t from = std::max(*server.launched_at, period.start);
    hours = static_cast<double>(period.stop - from) / 3600.0;
  }
  const Json flavor_name = server.flavor.contains("original_name")
                               ? server.flavor["original_name"]
                               : Json(server.instance.flavor_name);
  return {{"instance_id", server.id()},
          {"name", server.instance.name},
          {"tenant_id", server.project_id()},
          {"flavor", flavor_name},
          {"hours", hours},
          {"vcpus", server.vcpus},
          {"memory_mb", server.memory_mb},
          {"local_gb", server.root_gb + server.ephemeral_gb},
          {"started_at", server.launched_at ? Json(nova_time(*server.launched_at)) : Json(nullptr)},
          {"ended_at", nullptr},
          {"state", server.vm_state},
          {"uptime", std::max<int64_t>(0, now - server.instance.created_at)}};
}

Json tenant_usage(const std::string& project_id, const std::vector<Json>& server_usages,
                  const UsagePeriod& period, bool detailed) {
  double hours = 0, vcpus = 0, memory = 0, disk = 0;
  for (const Json& u : server_usages) {
    const double h = u["hours"].get<double>();
    hours += h;
    vcpus += h * u["vcpus"].get<double>();
    memory += h * u["memory_mb"].get<double>();
    disk += h * u["local_gb"].get<double>();
  }
  Json out = {{"tenant_id", project_id},        {"start", nova_time(period.start)},
              {"stop", nova_time(period.stop)}, {"total_hours", hours},
              {"total_vcpus_usage", vcpus},     {"total_memory_mb_usage", memory},
              {"total_local_gb_usage", disk}};
  if (detailed) {
    out["server_usages"] = server_usages;
  }
  return out;
}

}  // namespace neutrino::compute
