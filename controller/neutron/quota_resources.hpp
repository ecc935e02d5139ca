#pragma once
// The resources Neutron (ML2/OVS with L3, RBAC and subnet pools) keeps quotas on, their
// default limits (neutron.conf [quotas]) and how a project's usage of each is counted.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "controller/store/sql_session.hpp"

namespace neutrino::neutron {

struct QuotaResource {
  std::string name;       // "network", as in the API and in the quotas table
  int64_t default_limit;  // -1: unlimited
  std::string table;      // where usage is counted; empty while Neutrino has no such resource
};

// In the order Neutron registers them.
const std::vector<QuotaResource>& quota_resources();
const QuotaResource* find_quota_resource(const std::string& name);

// How many `resource` the project holds now, counted from the resource's own table (Neutron's
// TrackedResource counts rows the same way, the default security group and its rules included).
int64_t quota_usage(store::SqlSession& s, const QuotaResource& resource,
                    const std::string& project_id);

}  // namespace neutrino::neutron
