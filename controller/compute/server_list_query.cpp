#include "controller/compute/server_list_query.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <functional>
#include <set>

#include "common/clock.hpp"
#include "controller/api/api_error.hpp"
#include "controller/compute/server_status.hpp"

namespace neutrino::compute {
namespace {

const std::set<std::string>& member_filters() {
  static const std::set<std::string> keys = {
      "name",     "status",        "image",          "flavor",         "ip",
      "ip6",      "changes-since", "changes-before", "reservation_id", "all_tenants",
      "limit",    "marker",        "sort_key",       "sort_dir",       "tags",
      "tags-any", "not-tags",      "not-tags-any",   "locked",         "description"};
  return keys;
}

const std::set<std::string>& admin_filters() {
  static const std::set<std::string> keys = {"host",
                                             "node",
                                             "hostname",
                                             "project_id",
                                             "tenant_id",
                                             "user_id",
                                             "uuid",
                                             "vm_state",
                                             "task_state",
                                             "power_state",
                                             "deleted",
                                             "availability_zone",
                                             "launched_at",
                                             "terminated_at",
                                             "key_name",
                                             "config_drive",
                                             "access_ip_v4",
                                             "access_ip_v6",
                                             "created_at",
                                             "progress",
                                             "root_device_name",
                                             "kernel_id",
                                             "ramdisk_id",
                                             "launch_index",
                                             "display_name",
                                             "display_description",
                                             "soft_deleted"};
  return keys;
}

bool truthy(const std::string& value) {
  std::string v = value;
  std::transform(v.begin(), v.end(), v.begin(), ::tolower);
  return v.empty() || v == "true" || v == "1" || v == "yes" || v == "t" || v == "on" || v == "y";
}

int64_t parse_time(const std::string& key, const std::string& value) {
  const auto parsed = clock::parse_iso8601(value);
  if (!parsed) {
    throw api::bad_request("Invalid input for query parameters " + key + ". Value: " + value +
                           ". '" + value + "' is not a 'date-time'");
  }
  return *parsed;
}

// Python's re.search() on a tenant-supplied pattern, in linear time (RE2).
std::function<bool(const std::string&)> regex_filter(const std::string& key,
                                                     const std::string& pattern) {
  RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(1 << 20);
  auto re = std::make_shared<RE2>(pattern, options);
  if (!re->ok()) {
    throw api::bad_request("Invalid filter field: " + key + ".");
  }
  return [re](const std::string& text) { return RE2::PartialMatch(text, *re); };
}

std::string sort_value(const ServerRecord& s, const std::string& key) {
  if (key == "display_name")
    return s.instance.name;
  if (key == "uuid")
    return s.id();
  if (key == "host")
    return s.host.value_or("");
  if (key == "node")
    return s.node.value_or("");
  if (key == "vm_state")
    return s.vm_state;
  if (key == "task_state")
    return s.task_state.value_or("");
  if (key == "hostname")
    return s.instance.hostname;
  if (key == "availability_zone")
    return s.instance.availability_zone;
  if (key == "project_id")
    return s.project_id();
  if (key == "user_id")
    return s.user_id;
  if (key == "key_name")
    return s.instance.key_name.value_or("");
  if (key == "image_ref")
    return s.image_ref;
  char buffer[32];
  const int64_t number = key == "updated_at"    ? s.instance.updated_at
                         : key == "launched_at" ? s.launched_at.value_or(0)
                         : key == "power_state" ? s.power_state
                                                : s.instance.created_at;
  std::snprintf(buffer, sizeof buffer, "%020lld", static_cast<long long>(number));
  return buffer;
}

void check_sort_key(const std::string& key) {
  static const std::set<std::string> keys = {
      "created_at", "updated_at", "display_name", "uuid",      "host",
      "node",       "vm_state",   "task_state",   "hostname",  "availability_zone",
      "project_id", "user_id",    "key_name",     "image_ref", "launched_at",
      "power_state"};
  if (!keys.contains(key)) {
    throw api::bad_request("Invalid input for query parameters sort_key. Value: " + key + ". '" +
                           key + "' is not one of the valid sort keys");
  }
}

}  // namespace

ServerListScope server_list_scope(const http::QueryParams& query, const ApiVersion& version,
                                  const identity::AuthContext& ctx) {
  ServerListScope scope{ctx.project_id};
  bool all = false;
  std::optional<std::string> project;
  for (const auto& [key, value] : query) {
    if (key == "all_tenants") {
      all = truthy(value);
    } else if ((key == "project_id" || key == "tenant_id") && ctx.is_admin()) {
      project = value;
    }
    if (version >= ApiVersion{2, 75} && !member_filters().contains(key) &&
        !admin_filters().contains(key)) {
      throw api::bad_request("Invalid input for query parameters " + key + ". Value: " + value +
                             ". Additional properties are not allowed ('" + key +
                             "' was unexpected)");
    }
  }
  if (all) {
    if (!ctx.is_admin()) {
      throw api::forbidden(
          "Policy doesn't allow os_compute_api:servers:index:get_all_tenants to be performed.");
    }
    scope.project_id = project;  // as Nova: tenant_id only counts with all_tenants
  }
  return scope;
}

std::vector<ServerRecord> select_servers(std::vector<ServerRecord> servers,
                                         const std::map<std::string, Json>& addresses,
                                         const http::QueryParams& query, const ApiVersion& version,
                                         const identity::AuthContext& ctx) {
  std::vector<std::function<bool(const ServerRecord&)>> tests;
  std::vector<std::string> statuses;
  std::vector<std::string> sort_keys;
  std::vector<std::string> sort_dirs;
  std::optional<int64_t> since;
  std::optional<int64_t> before;
  for (const auto& [key, value] : query) {
    const bool allowed = member_filters().contains(key) ||
                         (ctx.is_admin() && admin_filters().contains(key)) ||
                         (key == "availability_zone" && version >= ApiVersion{2, 83});
    if (!allowed) {
      continue;  // Nova drops what the caller may not filter on
    }
    const std::string v = value;
    if (key == "name") {
      const auto match = regex_filter(key, v);
      tests.push_back([match](const ServerRecord& s) { return match(s.instance.name); });
    } else if (key == "ip" || key == "ip6") {
      const auto match = regex_filter(key, v);
      const int family = key == "ip" ? 4 : 6;
      tests.push_back([match, family, &addresses](const ServerRecord& s) {
        const auto it = addresses.find(s.id());
        if (it == addresses.end())
          return false;
        for (const auto& [net, list] : it->second.items()) {
          for (const auto& a : list) {
            if (a.value("version", 0) == family && match(a.value("addr", "")))
              return true;
          }
        }
        return false;
      });
    } else if (key == "status") {
      statuses.push_back(v);
    } else if (key == "image") {
      tests.push_back([v](const ServerRecord& s) { return s.image_ref == v; });
    } else if (key == "flavor") {
      tests.push_back([v](const ServerRecord& s) { return s.flavor.value("id", "") == v; });
    } else if (key == "reservation_id") {
      tests.push_back([v](const ServerRecord& s) { return s.instance.reservation_id == v; });
    } else if (key == "changes-since") {
      since = parse_time(key, v);
    } else if (key == "changes-before") {
      before = parse_time(key, v);
    } else if (key == "host") {
      tests.push_back([v](const ServerRecord& s) { return s.host == v; });
    } else if (key == "node") {
      tests.push_back([v](const ServerRecord& s) { return s.node == v; });
    } else if (key == "hostname") {
      tests.push_back([v](const ServerRecord& s) { return s.instance.hostname == v; });
    } else if (key == "user_id") {
      tests.push_back([v](const ServerRecord& s) { return s.user_id == v; });
    } else if (key == "uuid") {
      tests.push_back([v](const ServerRecord& s) { return s.id() == v; });
    } else if (key == "vm_state") {
      tests.push_back([v](const ServerRecord& s) { return s.vm_state == v; });
    } else if (key == "task_state") {
      tests.push_back([v](const ServerRecord& s) { return s.task_state.value_or("") == v; });
    } else if (key == "power_state") {
      tests.push_back([v](const ServerRecord& s) { return std::to_string(s.power_state) == v; });
    } else if (key == "availability_zone") {
      tests.push_back([v](const ServerRecord& s) { return s.instance.availability_zone == v; });
    } else if (key == "key_name") {
      tests.push_back([v](const ServerRecord& s) { return s.instance.key_name == v; });
    } else if (key == "deleted" && truthy(v)) {
      tests.push_back([](const ServerRecord&) { return false; });  // deleted rows are gone
    } else if (key == "sort_key") {
      check_sort_key(v);
      sort_keys.push_back(v);
    } else if (key == "sort_dir") {
      if (v != "asc" && v != "desc") {
        throw api::bad_request("Invalid input for query parameters sort_dir. Value: " + v + ". '" +
                               v + "' is not one of ['asc', 'desc']");
      }
      sort_dirs.push_back(v);
    }
  }
  if (since && before && *before < *since) {
    throw api::bad_request(
        "The value of changes-since must be less than or equal to changes-before.");
  }
  if (since) {
    tests.push_back([t = *since](const ServerRecord& s) { return s.instance.updated_at >= t; });
  }
  if (before) {
    tests.push_back([t = *before](const ServerRecord& s) { return s.instance.updated_at <= t; });
  }
  if (!statuses.empty()) {
    const StatusFilter filter = status_filter(statuses);
    if (filter.vm_states.empty()) {
      if (version >= ApiVersion{2, 38}) {
        throw api::bad_request("Invalid status value");
      }
      return {};
    }
    tests.push_back(
        [filter](const ServerRecord& s) { return filter.matches(s.vm_state, s.task_state); });
  }
  std::erase_if(servers, [&](const ServerRecord& s) {
    return !std::all_of(tests.begin(), tests.end(), [&](const auto& test) { return test(s); });
  });
  if (sort_keys.empty()) {
    sort_keys = {"created_at", "uuid"};
  } else if (std::find(sort_keys.begin(), sort_keys.end(), "uuid") == sort_keys.end()) {
    sort_keys.push_back("uuid");
  }
  std::stable_sort(servers.begin(), servers.end(),
                   [&](const ServerRecord& a, const ServerRecord& b) {
                     for (size_t i = 0; i < sort_keys.size(); ++i) {
                       const std::string dir = i < sort_dirs.size() ? sort_dirs[i] : "desc";
                       const std::string x = sort_value(a, sort_keys[i]);
                       const std::string y = sort_value(b, sort_keys[i]);
                       if (x != y) {
                         return dir == "asc" ? x < y : x > y;
                       }
                     }
                     return false;
                   });
  return servers;
}

}  // namespace neutrino::compute
