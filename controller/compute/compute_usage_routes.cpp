// GET /os-simple-tenant-usage and /os-simple-tenant-usage/{tenant_id}: Nova's usage reports
// (the Overview pages of Horizon), paged by instance from 2.40 on as Nova pages them.
#include <map>

#include "common/clock.hpp"
#include "controller/api/api_error.hpp"
#include "controller/compute/compute_api.hpp"
#include "controller/compute/nova_paging.hpp"
#include "controller/compute/server_store.hpp"
#include "controller/compute/tenant_usage.hpp"

namespace neutrino::compute {
namespace {

// The server usages of the period, oldest server first, one page of them from 2.40 on.
Page usage_page(const std::vector<ServerRecord>& servers, const UsagePeriod& period, int64_t now,
                bool paged, const http::Request& request, const std::string& url) {
  std::vector<Json> usages;
  for (const auto& server : servers) {
    if (active_in(server, period)) {
      usages.push_back(server_usage(server, period, now));
    }
  }
  if (!paged) {
    return Page{std::move(usages), std::nullopt};
  }
  return paginate(std::move(usages), parse_page(request.query), "instance_id", request.query, url);
}

}  // namespace

http::Response ComputeApi::show_tenant_usage(const Call& call) {
  const std::string& project = call.param("tenant_id");
  if (project != call.auth.project_id) {
    require_admin(call, "os_compute_api:os-simple-tenant-usage:show");
  }
  const int64_t now = clock::now_unix_seconds();
  const UsagePeriod period = parse_usage_period(call.request.query, now);
  const auto servers =
      db_.read([&](store::SqlSession& s) { return ServerStore::list(s, project); });
  const Page page = usage_page(servers, period, now, call.at_least(2, 40), call.request,
                               call.base + "/v2.1/os-simple-tenant-usage/" + project);
  Json body = {{"tenant_usage", Json::object()}};
  if (!page.items.empty()) {
    body["tenant_usage"] = tenant_usage(project, page.items, period, true);
  }
  if (page.links) {
    body["tenant_usage_links"] = *page.links;
  }
  return http::Response::json(200, body);
}

http::Response ComputeApi::list_tenant_usages(const Call& call) {
  require_admin(call, "os_compute_api:os-simple-tenant-usage:list");
  bool detailed = false;
  for (const auto& [key, value] : call.request.query) {
    if (key == "detailed") {
      detailed = value == "1";
    }
  }
  const int64_t now = clock::now_unix_seconds();
  const UsagePeriod period = parse_usage_period(call.request.query, now);
  const auto servers =
      db_.read([&](store::SqlSession& s) { return ServerStore::list(s, std::nullopt); });
  const Page page = usage_page(servers, period, now, call.at_least(2, 40), call.request,
                               call.base + "/v2.1/os-simple-tenant-usage");
  // Projects in the order their first server appears.
  std::vector<std::string> order;
  std::map<std::string, std::vector<Json>> per_project;
  for (const Json& usage : page.items) {
    const std::string project = usage["tenant_id"];
    if (!per_project.contains(project)) {
      order.push_back(project);
    }
    per_project[project].push_back(usage);
  }
  Json list = Json::array();
  for (const auto& project : order) {
    list.push_back(tenant_usage(project, per_project[project], period, detailed));
  }
  Json body = {{"tenant_usages", list}};
  if (page.links) {
    body["tenant_usages_links"] = *page.links;
  }
  return http::Response::json(200, body);
}

}  // namespace neutrino::compute
