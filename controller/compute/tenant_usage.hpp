#pragma once
// Nova's simple tenant usage (os-simple-tenant-usage): what each server cost over a period,
// in hours and flavor-size x hours, and the totals per project. A server counts from its
// launch to the period's end (the end is never later than now); one not launched yet counts
// zero hours. Deleted servers leave the store, so only live servers are reported.
#include <cstdint>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "controller/compute/server_record.hpp"
#include "controller/http/http_request.hpp"

namespace neutrino::compute {

struct UsagePeriod {
  int64_t start = 0;
  int64_t stop = 0;
};

// ?start= and ?end= as Nova reads them (now when absent, the end capped at now); 400
// "Invalid start time. The start time cannot occur after the end time." or "Datetime is in
// invalid format" otherwise.
UsagePeriod parse_usage_period(const http::QueryParams& query, int64_t now);

// Whether the server existed in the period (launched before it ended, or not launched yet).
bool active_in(const ServerRecord& server, const UsagePeriod& period);

// One entry of server_usages.
Json server_usage(const ServerRecord& server, const UsagePeriod& period, int64_t now);

// {"tenant_id", "start", "stop", "total_hours", "total_*_usage", "server_usages"?} for the
// given server usages of one project (server_usages kept only when `detailed`).
Json tenant_usage(const std::string& project_id, const std::vector<Json>& server_usages,
                  const UsagePeriod& period, bool detailed);

}  // namespace neutrino::compute
