#pragma once
// The instances table, and instance_id_mappings which gives each instance UUID its EC2
// number for good (as Nova's table of that name does), so "i-0000000a" never names two
// instances, even after one is deleted.
#include <optional>
#include <string>
#include <vector>

#include "controller/metadata/instance_record.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::metadata {

class InstanceStore {
 public:
  // Inserts `record` and returns it as stored, with EC2 id, reservation id and timestamps.
  // Throws api::ApiError 409 "InstanceExists" when the id is taken.
  static InstanceRecord create(store::SqlSession& s, InstanceRecord record);
  static std::optional<InstanceRecord> find(store::SqlSession& s, const std::string& id);
  // Every instance, or those of one project; oldest first.
  static std::vector<InstanceRecord> list(store::SqlSession& s,
                                          const std::optional<std::string>& project_id);
  // False when there was no such instance.
  static bool remove(store::SqlSession& s, const std::string& id);

 private:
  static int64_t ec2_number(store::SqlSession& s, const std::string& id);
};

}  // namespace neutrino::metadata
