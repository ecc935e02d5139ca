#pragma once
// Nova's legacy quota driver for what this API creates: instances, cores and RAM per project
// (key pairs per user are counted by the key pair store). Limits come from the [quota]
// settings; usage is counted from the instances table in the same transaction that adds to it.
#include <cstdint>
#include <string>

#include "controller/compute/compute_settings.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::compute {

struct ProjectUsage {
  int64_t instances = 0;
  int64_t cores = 0;
  int64_t ram = 0;
};

ProjectUsage project_usage(store::SqlSession& s, const std::string& project_id);

// 403 "Quota exceeded for cores, ram: Requested 2, 1024, but already used 20, 2048 of 20,
// 51200 cores, ram" (Nova's TooManyInstances) when `count` more instances of the given size
// do not fit. A limit below 0 is unlimited.
void check_instance_quota(store::SqlSession& s, const std::string& project_id,
                          const QuotaSettings& quotas, int64_t count, int64_t vcpus,
                          int64_t memory_mb);

}  // namespace neutrino::compute
