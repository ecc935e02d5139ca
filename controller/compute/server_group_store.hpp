#pragma once
// Nova's server groups (instance_groups): a policy that places a group's servers together
// (affinity) or apart (anti-affinity, at most rules.max_server_per_host per host), and the
// servers booted into it with the scheduler hint "group".
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::compute {

struct ServerGroup {
  std::string id;
  std::string project_id;
  std::string user_id;
  std::string name;
  std::string policy;  // affinity, anti-affinity, soft-affinity, soft-anti-affinity
  Json rules = Json::object();
  std::vector<std::string> members;  // instance uuids, oldest first
  int64_t created_at = 0;
};

class ServerGroupStore {
 public:
  static void insert(store::SqlSession& s, const ServerGroup& group);
  static std::optional<ServerGroup> find(store::SqlSession& s, const std::string& id);
  // One project's groups, or every group; oldest first.
  static std::vector<ServerGroup> list(store::SqlSession& s,
                                       const std::optional<std::string>& project_id);
  static int64_t count(store::SqlSession& s, const std::string& project_id);
  static void remove(store::SqlSession& s, const std::string& id);
  static void add_member(store::SqlSession& s, const std::string& id,
                         const std::string& instance_id);
  // The hosts the group's servers are placed on, one entry per server (repeats kept).
  static std::vector<std::string> member_hosts(store::SqlSession& s, const std::string& id);
};

}  // namespace neutrino::compute
