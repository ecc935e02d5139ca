#include "controller/compute/server_group_store.hpp"

namespace neutrino::compute {
namespace {

constexpr const char* kColumns = "uuid, project_id, user_id, name, policy, rules, created_at";

ServerGroup from_row(store::SqlSession& s, const store::SqlRow& r) {
  ServerGroup g;
  g.id = r.text(0);
  g.project_id = r.text(1);
  g.user_id = r.text(2);
  g.name = r.text(3);
  g.policy = r.text(4);
  g.rules = Json::parse(r.text(5), nullptr, false);
  if (!g.rules.is_object()) {
    g.rules = Json::object();
  }
  g.created_at = r.integer(6);
  // Members in the order they joined (position: PostgreSQL has no rowid to keep it).
  for (const auto& m : s.query(
           "SELECT instance_uuid FROM instance_group_member WHERE group_uuid = ? ORDER BY position",
           {g.id})) {
    g.members.push_back(m.text(0));
  }
  return g;
}

}  // namespace

void ServerGroupStore::insert(store::SqlSession& s, const ServerGroup& g) {
  s.execute(
      "INSERT INTO instance_groups (uuid, project_id, user_id, name, policy, rules, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)",
      {g.id, g.project_id, g.user_id, g.name, g.policy, g.rules.dump(), g.created_at});
}

std::optional<ServerGroup> ServerGroupStore::find(store::SqlSession& s, const std::string& id) {
  const auto rows =
      s.query(std::string("SELECT ") + kColumns + " FROM instance_groups WHERE uuid = ?", {id});
  if (rows.empty()) {
    return std::nullopt;
  }
  return from_row(s, rows[0]);
}

std::vector<ServerGroup> ServerGroupStore::list(store::SqlSession& s,
                                                const std::optional<std::string>& project_id) {
  std::string sql = std::string("SELECT ") + kColumns + " FROM instance_groups";
  store::SqlParams params;
  if (project_id) {
    sql += " WHERE project_id = ?";
    params.emplace_back(*project_id);
  }
  sql += " ORDER BY created_at, uuid";
  std::vector<ServerGroup> out;
  for (const auto& row : s.query(sql, params)) {
    out.push_back(from_row(s, row));
  }
  return out;
}

int64_t ServerGroupStore::count(store::SqlSession& s, const std::string& project_id) {
  return s.query("SELECT COUNT(*) FROM instance_groups WHERE project_id = ?", {project_id})[0]
      .integer(0);
}

void ServerGroupStore::remove(store::SqlSession& s, const std::string& id) {
  s.execute("DELETE FROM instance_groups WHERE uuid = ?", {id});
}

void ServerGroupStore::add_member(store::SqlSession& s, const std::string& id,
                                  const std::string& instance_id) {
  s.execute(
      "INSERT INTO instance_group_member (group_uuid, instance_uuid, position) VALUES (?, ?, "
      "(SELECT COALESCE(MAX(position), 0) + 1 FROM instance_group_member WHERE group_uuid = ?))",
      {id, instance_id, id});
}

std::vector<std::string> ServerGroupStore::member_hosts(store::SqlSession& s,
                                                        const std::string& id) {
  std::vector<std::string> hosts;
  for (const auto& r :
       s.query("SELECT instances.host FROM instance_group_member JOIN instances ON "
               "instances.id = instance_group_member.instance_uuid WHERE group_uuid = ? AND "
               "instances.host IS NOT NULL",
               {id})) {
    hosts.push_back(r.text(0));
  }
  return hosts;
}

}  // namespace neutrino::compute
