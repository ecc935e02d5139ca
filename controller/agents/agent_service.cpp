#include "controller/agents/agent_service.hpp"

#include <ctime>

#include "common/clock.hpp"
#include "common/random.hpp"
#include "controller/api/api_error.hpp"
#include "controller/store/change_journal.hpp"

namespace neutrino::agents {
namespace {

api::ApiError agent_not_found(const std::string& id) {
  return api::not_found("Agent " + id + " could not be found.", "AgentNotFound");
}

const char* kColumns =
    "SELECT id, agent_type, \"binary\", topic, host, admin_state_up, description, "
    "availability_zone, configurations, created_at, started_at, heartbeat_timestamp FROM agents";

}  // namespace

std::string agent_time(int64_t unix_seconds) {
  std::string iso = clock::format_iso8601(unix_seconds);  // 2026-11-22T06:41:43Z
  iso[10] = ' ';
  iso.pop_back();
  return iso;
}

std::string AgentService::report(store::SqlSession& s, const AgentReport& report,
                                 bool started) const {
  const int64_t now = clock::now_unix_seconds();
  const auto rows =
      s.query("SELECT id, configurations FROM agents WHERE agent_type = ? AND host = ?",
              {report.agent_type, report.host});
  // Other hosts' state carries this host's tunnel IP: a new or changed configuration is a change
  // to push, a heartbeat is not.
  if (rows.empty() || rows[0].text(1) != report.configurations.dump()) {
    store::ChangeJournal::append(s, store::JournalKind::kAgent, report.host);
  }
  if (rows.empty()) {
    const std::string id = random::uuid4();
    s.execute(
        "INSERT INTO agents (id, agent_type, \"binary\", host, configurations, created_at, "
        "started_at, heartbeat_timestamp) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        {id, report.agent_type, report.binary, report.host, report.configurations.dump(), now, now,
         now});
    return id;
  }
  const std::string id = rows[0].text(0);
  s.execute(
      "UPDATE agents SET \"binary\" = ?, configurations = ?, heartbeat_timestamp = ? WHERE id = ?",
      {report.binary, report.configurations.dump(), now, id});
  if (started) {
    s.execute("UPDATE agents SET started_at = ? WHERE id = ?", {now, id});
  }
  return id;
}

bool AgentService::heartbeat(store::SqlSession& s, const std::string& id) const {
  return s.execute("UPDATE agents SET heartbeat_timestamp = ? WHERE id = ?",
                   {clock::now_unix_seconds(), id}) > 0;
}

std::vector<Json> AgentService::load(store::SqlSession& s,
                                     const std::optional<std::string>& id) const {
  const auto rows = id ? s.query(std::string(kColumns) + " WHERE id = ?", {*id})
                       : s.query(std::string(kColumns) + " ORDER BY host, agent_type", {});
  const int64_t now = clock::now_unix_seconds();
  std::vector<Json> out;
  for (const auto& r : rows) {
    out.push_back({
        {"id", r.text(0)},
        {"agent_type", r.text(1)},
        {"binary", r.text(2)},
        {"topic", r.text(3)},
        {"host", r.text(4)},
        {"admin_state_up", r.boolean(5)},
        {"description", r.is_null(6) ? Json(nullptr) : Json(r.text(6))},
        {"availability_zone", r.is_null(7) ? Json(nullptr) : Json(r.text(7))},
        {"configurations", Json::parse(r.text(8), nullptr, false)},
        {"created_at", agent_time(r.integer(9))},
        {"started_at", agent_time(r.integer(10))},
        {"heartbeat_timestamp", agent_time(r.integer(11))},
        {"alive", now - r.integer(11) <= down_time_},
        {"resources_synced", nullptr},
    });
  }
  return out;
}

Json AgentService::show(store::SqlSession& s, const identity::AuthContext& ctx,
                        const std::string& id) const {
  auto found = ctx.is_admin() ? load(s, id) : std::vector<Json>{};
  if (found.empty()) {
    throw agent_not_found(id);
  }
  return found.front();
}

std::vector<Json> AgentService::list(store::SqlSession& s, const identity::AuthContext& ctx) const {
  return ctx.is_admin() ? load(s, std::nullopt) : std::vector<Json>{};
}

Json AgentService::update(store::SqlSession& s, const identity::AuthContext& ctx,
                          const std::string& id, const Json& attributes) const {
  show(s, ctx, id);
  if (attributes.contains("admin_state_up")) {
    s.execute("UPDATE agents SET admin_state_up = ? WHERE id = ?",
              {int64_t{attributes["admin_state_up"].get<bool>()}, id});
  }
  if (attributes.contains("description")) {
    s.execute(
        "UPDATE agents SET description = ? WHERE id = ?",
        {store::null_if_empty(attributes["description"].is_null()
                                  ? std::nullopt
                                  : std::optional(attributes["description"].get<std::string>())),
         id});
  }
  return show(s, ctx, id);
}

void AgentService::remove(store::SqlSession& s, const identity::AuthContext& ctx,
                          const std::string& id) const {
  const Json agent = show(s, ctx, id);
  s.execute("DELETE FROM agents WHERE id = ?", {id});
  store::ChangeJournal::append(s, store::JournalKind::kAgent, agent.value("host", ""));
}

std::optional<Json> AgentService::alive_on_host(store::SqlSession& s, const std::string& host,
                                                const std::string& agent_type) const {
  const auto rows =
      s.query("SELECT id FROM agents WHERE host = ? AND agent_type = ?", {host, agent_type});
  if (rows.empty()) {
    return std::nullopt;
  }
  auto agent = load(s, rows[0].text(0)).front();
  if (!agent["alive"].get<bool>() || !agent["admin_state_up"].get<bool>()) {
    return std::nullopt;
  }
  return agent;
}

}  // namespace neutrino::agents
