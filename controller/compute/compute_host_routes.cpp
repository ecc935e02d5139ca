// Compute services, hypervisors, availability zones and aggregates (Nova's services,
// hypervisors, availability_zone and aggregates controllers), built from ComputeHosts.
#include <algorithm>

#include "controller/api/api_error.hpp"
#include "controller/compute/compute_api.hpp"
#include "controller/compute/compute_hosts.hpp"
#include "controller/compute/compute_time.hpp"
#include "controller/compute/nova_paging.hpp"
#include "controller/compute/nova_validation.hpp"
#include "controller/compute/server_store.hpp"
#include "controller/compute/server_view.hpp"
#include "controller/neutron/resource_schema.hpp"

namespace neutrino::compute {
namespace {

std::optional<std::string> query_value(const http::QueryParams& query, const std::string& key) {
  for (const auto& [k, v] : query) {
    if (k == key) {
      return v;
    }
  }
  return std::nullopt;
}

Json service_view(const ComputeHost& h, const ApiVersion& version) {
  Json out = {{"binary", "nova-compute"},
              {"host", h.host},
              {"zone", h.availability_zone},
              {"status", h.disabled ? "disabled" : "enabled"},
              {"state", h.up ? "up" : "down"},
              {"updated_at", h.updated_at != 0 ? Json(nova_time(h.updated_at)) : Json(nullptr)},
              {"disabled_reason", h.disabled_reason ? Json(*h.disabled_reason) : Json(nullptr)}};
  if (version >= ApiVersion{2, 53}) {
    out["id"] = h.service_uuid;
  } else {
    out["id"] = h.service_id;
  }
  if (version >= ApiVersion{2, 11}) {
    out["forced_down"] = h.forced_down;
  }
  return out;
}

Json hypervisor_summary(const ComputeHost& h, const ApiVersion& version) {
  Json out = {{"hypervisor_hostname", h.hypervisor_hostname},
              {"state", h.up ? "up" : "down"},
              {"status", h.disabled ? "disabled" : "enabled"}};
  if (version >= ApiVersion{2, 53}) {
    out["id"] = h.node_uuid;
  } else {
    out["id"] = h.node_id;
  }
  return out;
}

const ComputeHost& find_host(const std::vector<ComputeHost>& hosts, const std::string& id,
                             const ApiVersion& version, bool by_service) {
  for (const auto& h : hosts) {
    const bool uuid = version >= ApiVersion{2, 53};
    const std::string key = by_service ? (uuid ? h.service_uuid : std::to_string(h.service_id))
                                       : (uuid ? h.node_uuid : std::to_string(h.node_id));
    if (key == id) {
      return h;
    }
  }
  if (by_service) {
    throw api::not_found("Service " + id + " could not be found.", "ServiceNotFound");
  }
  throw api::not_found("Hypervisor " + id + " could not be found.", "HypervisorNotFound");
}

}  // namespace

http::Response ComputeApi::list_services(const Call& call) {
  require_admin(call, "os_compute_api:os-services:list");
  const auto host = query_value(call.request.query, "host");
  const auto binary = query_value(call.request.query, "binary");
  const auto hosts = db_.read(
      [&](store::SqlSession& s) { return ComputeHosts::list(s, settings_.service_down_time); });
  Json list = Json::array();
  for (const auto& h : hosts) {
    if ((!host || *host == h.host) && (!binary || *binary == "nova-compute")) {
      list.push_back(service_view(h, call.version));
    }
  }
  return http::Response::json(200, {{"services", list}});
}

http::Response ComputeApi::update_service(const Call& call) {
  if (!call.at_least(2, 53)) {
    return update_service_legacy(call);
  }
  require_admin(call, "os_compute_api:os-services:update");
  const Json body = parse_nova_body(call.request.body);
  check_known_keys(body, "", {"status", "disabled_reason", "forced_down"});
  const auto status = optional_string_field(body, "status", 1, 255);
  if (status && *status != "enabled" && *status != "disabled") {
    throw nova_invalid("status", *status,
                       "'" + *status + "' is not one of ['enabled', 'disabled']");
  }
  const auto reason = optional_string_field(body, "disabled_reason", 1, 255);
  const auto forced_down = optional_boolean_field(body, "forced_down");
  if (!status && !forced_down) {
    throw api::bad_request(
        "At least one of 'status' or 'forced_down' must be specified in the request body.");
  }
  if (reason && status != "disabled") {
    throw api::bad_request("Specifying 'disabled_reason' with status '" + status.value_or("") +
                           "' is invalid.");
  }
  const Json out = db_.write([&](store::SqlSession& s) {
    const auto hosts = ComputeHosts::list(s, settings_.service_down_time);
    const ComputeHost& h = find_host(hosts, call.param("service_id"), call.version, true);
    if (status) {
      ComputeHosts::set_disabled(s, h.service_id, *status == "disabled", reason);
    }
    if (forced_down) {
      ComputeHosts::set_forced_down(s, h.service_id, *forced_down);
    }
    const auto updated = ComputeHosts::list(s, settings_.service_down_time);
    return service_view(find_host(updated, call.param("service_id"), call.version, true),
                        call.version);
  });
  return http::Response::json(200, {{"service", out}});
}

http::Response ComputeApi::update_service_legacy(const Call& call) {
  const std::string action = call.param("service_id");
  if (action != "enable" && action != "disable" && action != "disable-log-reason" &&
      !(action == "force-down" && call.at_least(2, 11))) {
    throw api::not_found("Unknown action");
  }
  require_admin(call, "os_compute_api:os-services:update");
  const Json body = parse_nova_body(call.request.body);
  const std::string host = string_field(body, "", "host", 1, 255);
  const std::string binary = string_field(body, "", "binary", 1, 255);
  Json out = {{"host", host}, {"binary", binary}};
  db_.write([&](store::SqlSession& s) {
    const auto hosts = ComputeHosts::list(s, settings_.service_down_time);
    const auto it = std::find_if(hosts.begin(), hosts.end(),
                                 [&](const ComputeHost& h) { return h.host == host; });
    if (it == hosts.end() || binary != "nova-compute") {
      throw api::not_found("Could not find binary " + binary + " on host " + host + ".",
                           "HostBinaryNotFound");
    }
    if (action == "force-down") {
      const bool down = optional_boolean_field(body, "forced_down").value_or(false);
      ComputeHosts::set_forced_down(s, it->service_id, down);
      out["forced_down"] = down;
      return;
    }
    std::optional<std::string> reason;
    if (action == "disable-log-reason") {
      reason = string_field(body, "", "disabled_reason", 1, 255);
      out["disabled_reason"] = *reason;
    }
    ComputeHosts::set_disabled(s, it->service_id, action != "enable", reason);
    out["status"] = action == "enable" ? "enabled" : "disabled";
  });
  return http::Response::json(200, {{"service", out}});
}

http::Response ComputeApi::delete_service(const Call& call) {
  require_admin(call, "os_compute_api:os-services:delete");
  db_.write([&](store::SqlSession& s) {
    const auto hosts = ComputeHosts::list(s, settings_.service_down_time);
    ComputeHosts::remove(s, find_host(hosts, call.param("service_id"), call.version, true));
  });
  return http::Response::empty(204);
}

http::Response ComputeApi::list_hypervisors(const Call& call) {
  return hypervisor_list(call, false);
}

http::Response ComputeApi::list_hypervisors_detail(const Call& call) {
  return hypervisor_list(call, true);
}

http::Response ComputeApi::hypervisor_list(const Call& call, bool detail) {
  require_admin(call, "os_compute_api:os-hypervisors:list");
  const auto pattern = call.at_least(2, 53)
                           ? query_value(call.request.query, "hypervisor_hostname_pattern")
                           : std::nullopt;
  const bool with_servers =
      call.at_least(2, 53) && query_value(call.request.query, "with_servers") == "true";
  std::vector<Json> items;
  db_.read([&](store::SqlSession& s) {
    for (const auto& h : ComputeHosts::list(s, settings_.service_down_time)) {
      if (pattern && h.hypervisor_hostname.find(*pattern) == std::string::npos) {
        continue;
      }
      Json item = detail ? hypervisor_detail(h, call.version) : hypervisor_summary(h, call.version);
      if (with_servers) {
        Json servers = Json::array();
        for (const auto& server : ServerStore::on_host(s, h.host)) {
          servers.push_back(
              {{"uuid", server.id()}, {"name", metadata::domain_name(server.instance.ec2_id)}});
        }
        item["servers"] = servers;
      }
      items.push_back(std::move(item));
    }
  });
  if (pattern && items.empty()) {
    throw api::not_found("No hypervisor matching '" + *pattern + "' could be found.");
  }
  PageRequest page;
  if (call.at_least(2, 33)) {
    page = parse_page(call.request.query);
  }
  for (auto& item : items) {
    item["_key"] = item["id"].is_string() ? item["id"].get<std::string>()
                                          : std::to_string(item["id"].get<int64_t>());
  }
  Page result = paginate(std::move(items), page, "_key", call.request.query,
                         call.base + "/v2.1/os-hypervisors" + (detail ? "/detail" : ""));
  for (auto& item : result.items) {
    item.erase("_key");
  }
  Json body = {{"hypervisors", result.items}};
  if (result.links) {
    body["hypervisors_links"] = *result.links;
  }
  return http::Response::json(200, body);
}

Json ComputeApi::hypervisor_detail(const ComputeHost& h, const ApiVersion& version) const {
  Json out = hypervisor_summary(h, version);
  out["hypervisor_type"] = h.hypervisor_type;
  out["hypervisor_version"] = h.hypervisor_version;
  out["host_ip"] = h.host_ip;
  out["service"] = {
      {"host", h.host},
      {"id", version >= ApiVersion{2, 53} ? Json(h.service_uuid) : Json(h.service_id)},
      {"disabled_reason", h.disabled_reason ? Json(*h.disabled_reason) : Json(nullptr)}};
  if (version >= ApiVersion{2, 88}) {
    out["uptime"] = nullptr;
    return out;
  }
  // Nova's resource tracker counts the reserved memory and disk as used.
  const auto& sched = settings_.scheduler;
  const int64_t memory_used = h.memory_mb_used + sched.reserved_host_memory_mb;
  const int64_t disk_used = h.local_gb_used + sched.reserved_host_disk_mb / 1024;
  out["vcpus"] = h.vcpus;
  out["memory_mb"] = h.memory_mb;
  out["local_gb"] = h.local_gb;
  out["vcpus_used"] = h.vcpus_used;
  out["memory_mb_used"] = memory_used;
  out["local_gb_used"] = disk_used;
  out["free_ram_mb"] = h.memory_mb - memory_used;
  out["free_disk_gb"] = h.local_gb - disk_used;
  out["current_workload"] = 0;
  out["running_vms"] = h.running_vms;
  out["disk_available_least"] = h.local_gb - disk_used;
  out["cpu_info"] = version >= ApiVersion{2, 28} ? Json::object() : Json("{}");
  return out;
}

http::Response ComputeApi::show_hypervisor(const Call& call) {
  require_admin(call, "os_compute_api:os-hypervisors:show");
  const auto hosts = db_.read(
      [&](store::SqlSession& s) { return ComputeHosts::list(s, settings_.service_down_time); });
  const ComputeHost& h = find_host(hosts, call.param("hypervisor_id"), call.version, false);
  return http::Response::json(200, {{"hypervisor", hypervisor_detail(h, call.version)}});
}

http::Response ComputeApi::search_hypervisors(const Call& call) {
  if (call.at_least(2, 53)) {
    throw api::not_found("The resource could not be found.");
  }
  require_admin(call, "os_compute_api:os-hypervisors:search");
  const std::string& pattern = call.param("pattern");
  Json list = Json::array();
  db_.read([&](store::SqlSession& s) {
    for (const auto& h : ComputeHosts::list(s, settings_.service_down_time)) {
      if (h.hypervisor_hostname.find(pattern) != std::string::npos) {
        list.push_back(hypervisor_summary(h, call.version));
      }
    }
  });
  if (list.empty()) {
    throw api::not_found("No hypervisor matching '" + pattern + "' could be found.");
  }
  return http::Response::json(200, {{"hypervisors", list}});
}

http::Response ComputeApi::hypervisor_uptime(const Call& call) {
  if (call.at_least(2, 88)) {
    throw api::not_found("The resource could not be found.");
  }
  require_admin(call, "os_compute_api:os-hypervisors:uptime");
  const auto hosts = db_.read(
      [&](store::SqlSession& s) { return ComputeHosts::list(s, settings_.service_down_time); });
  find_host(hosts, call.param("hypervisor_id"), call.version, false);
  throw api::ApiError(501, "NotImplemented", "Virt driver does not implement host uptime.");
}

http::Response ComputeApi::hypervisor_statistics(const Call& call) {
  if (call.at_least(2, 88)) {
    throw api::not_found("The resource could not be found.");
  }
  require_admin(call, "os_compute_api:os-hypervisors:statistics");
  const auto hosts = db_.read(
      [&](store::SqlSession& s) { return ComputeHosts::list(s, settings_.service_down_time); });
  Json totals = {{"count", 0},         {"vcpus", 0},
                 {"memory_mb", 0},     {"local_gb", 0},
                 {"vcpus_used", 0},    {"memory_mb_used", 0},
                 {"local_gb_used", 0}, {"free_ram_mb", 0},
                 {"free_disk_gb", 0},  {"current_workload", 0},
                 {"running_vms", 0},   {"disk_available_least", 0}};
  for (const auto& h : hosts) {
    const Json d = hypervisor_detail(h, call.version);
    totals["count"] = totals["count"].get<int64_t>() + 1;
    for (auto& [key, value] : totals.items()) {
      if (key != "count" && d.contains(key)) {
        value = value.get<int64_t>() + d[key].get<int64_t>();
      }
    }
  }
  return http::Response::json(200, {{"hypervisor_statistics", totals}});
}

http::Response ComputeApi::list_availability_zones(const Call&) {
  const auto hosts = db_.read(
      [&](store::SqlSession& s) { return ComputeHosts::list(s, settings_.service_down_time); });
  std::map<std::string, bool> zones;
  for (const auto& h : hosts) {
    zones[h.availability_zone] = zones[h.availability_zone] || !h.disabled;
  }
  Json list = Json::array();
  for (const auto& [zone, available] : zones) {
    list.push_back(
        {{"zoneName", zone}, {"zoneState", {{"available", available}}}, {"hosts", nullptr}});
  }
  return http::Response::json(200, {{"availabilityZoneInfo", list}});
}

http::Response ComputeApi::list_availability_zones_detail(const Call& call) {
  require_admin(call, "os_compute_api:os-availability-zone:detail");
  const auto hosts = db_.read(
      [&](store::SqlSession& s) { return ComputeHosts::list(s, settings_.service_down_time); });
  std::map<std::string, Json> zones;
  std::map<std::string, bool> available;
  for (const auto& h : hosts) {
    zones[h.availability_zone][h.host]["nova-compute"] = {
        {"available", h.up},
        {"active", !h.disabled},
        {"updated_at", h.updated_at != 0 ? Json(nova_time(h.updated_at)) : Json(nullptr)}};
    available[h.availability_zone] = available[h.availability_zone] || !h.disabled;
  }
  Json list = Json::array();
  for (const auto& [zone, zone_hosts] : zones) {
    list.push_back({{"zoneName", zone},
                    {"zoneState", {{"available", available[zone]}}},
                    {"hosts", zone_hosts}});
  }
  return http::Response::json(200, {{"availabilityZoneInfo", list}});
}

http::Response ComputeApi::list_aggregates(const Call& call) {
  require_admin(call, "os_compute_api:os-aggregates:index");
  return http::Response::json(200, {{"aggregates", Json::array()}});  // none are kept here
}

}  // namespace neutrino::compute
