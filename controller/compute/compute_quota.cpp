#include "controller/compute/compute_quota.hpp"

#include <vector>

#include "controller/api/api_error.hpp"

namespace neutrino::compute {

ProjectUsage project_usage(store::SqlSession& s, const std::string& project_id) {
  const auto r = s.query(
      "SELECT COUNT(*), COALESCE(SUM(vcpus), 0), COALESCE(SUM(memory_mb), 0) FROM instances "
      "WHERE project_id = ? AND vm_state IS NOT NULL",
      {project_id})[0];
  return {r.integer(0), r.integer(1), r.integer(2)};
}

void check_instance_quota(store::SqlSession& s, const std::string& project_id,
                          const QuotaSettings& quotas, int64_t count, int64_t vcpus,
                          int64_t memory_mb) {
  const ProjectUsage used = project_usage(s, project_id);
  struct Resource {
    const char* name;
    int64_t limit;
    int64_t used;
    int64_t requested;
  };
  const Resource resources[] = {{"cores", quotas.cores, used.cores, count * vcpus},
                                {"instances", quotas.instances, used.instances, count},
                                {"ram", quotas.ram, used.ram, count * memory_mb}};
  std::vector<const Resource*> over;
  for (const auto& r : resources) {
    if (r.limit >= 0 && r.used + r.requested > r.limit) {
      over.push_back(&r);
    }
  }
  if (over.empty()) {
    return;
  }
  std::string names, requested, useds, limits;
  for (const Resource* r : over) {
    const std::string sep = names.empty() ? "" : ", ";
    names += sep + r->name;
    requested += sep + std::to_string(r->requested);
    useds += sep + std::to_string(r->used);
    limits += sep + std::to_string(r->limit);
  }
  throw api::forbidden("Quota exceeded for " + names + ": Requested " + requested +
                           ", but already used " + useds + " of " + limits + " " + names,
                       "TooManyInstances");
}

}  // namespace neutrino::compute
