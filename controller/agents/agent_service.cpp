#include "controller/agents/agent_service.hpp"

#include <algorithm>
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

namespace {

struct AgentRow {
  std::string agent_type;
  std::string topic;
  Json configurations;
  std::optional<std::string> availability_zone;
};

// The rows one report stands for. Only DHCP (and L3) agents carry a zone in Neutron.
std::vector<AgentRow> agent_rows(const AgentReport& report) {
  std::vector<AgentRow> rows{{kOvsAgentType, "N/A", report.configurations, std::nullopt}};
  if (report.serves_dhcp) {
    rows.push_back({kDhcpAgentType,
                    "dhcp_agent",
                    {{"dhcp_driver", "neutrino-agent"}, {"log_agent_heartbeats", false}},
                    report.availability_zone});
  }
  if (report.serves_metadata) {
    rows.push_back({kMetadataAgentType, "N/A", {{"log_agent_heartbeats", false}}, std::nullopt});
  }
  return rows;
}

std::string report_row(store::SqlSession& s, const AgentReport& report, const AgentRow& row,
                       bool started) {
  const int64_t now = clock::now_unix_seconds();
  const std::string config = row.configurations.dump();
  const store::SqlValue zone = store::null_if_empty(row.availability_zone);
  const auto rows = s.query(
      "SELECT id, configurations, channel_session FROM agents WHERE agent_type = ? AND "
      "host = ?",
      {row.agent_type, report.host});
  const store::SqlValue session =
      report.channel_session.empty() ? store::SqlValue{} : store::SqlValue{report.channel_session};
  // Other hosts' state carries this host's tunnel IP, routers their gateway host: a new or
  // changed configuration or connection is a change to push, a heartbeat is not.
  if (rows.empty() || rows[0].text(1) != config ||
      rows[0].optional_text(2).value_or("") != report.channel_session) {
    store::ChangeJournal::append(s, store::JournalKind::kAgent, report.host);
  }
  if (rows.empty()) {
    const std::string id = random::uuid4();
    s.execute(
        "INSERT INTO agents (id, agent_type, \"binary\", topic, host, availability_zone, "
        "configurations, created_at, started_at, heartbeat_timestamp, channel_session) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {id, row.agent_type, report.binary, row.topic, report.host, zone, config, now, now, now,
         session});
    return id;
  }
  const std::string id = rows[0].text(0);
  s.execute(
      "UPDATE agents SET \"binary\" = ?, configurations = ?, availability_zone = ?, "
      "heartbeat_timestamp = ?, channel_session = ? WHERE id = ?",
      {report.binary, config, zone, now, session, id});
  if (started) {
    s.execute("UPDATE agents SET started_at = ? WHERE id = ?", {now, id});
  }
  return id;
}

}  // namespace

std::string AgentService::report(store::SqlSession& s, const AgentReport& report,
                                 bool started) const {
  std::string ovs_agent_id;
  std::vector<std::string> types;
  for (const auto& row : agent_rows(report)) {
    const std::string id = report_row(s, report, row, started);
    if (ovs_agent_id.empty()) {
      ovs_agent_id = id;
    }
    types.push_back(row.agent_type);
  }
  // A host that stopped serving metadata (or DHCP) no longer shows those agents.
  for (const auto& r : s.query("SELECT id, agent_type FROM agents WHERE host = ?", {report.host})) {
    if (std::find(types.begin(), types.end(), r.text(1)) == types.end()) {
      s.execute("DELETE FROM agents WHERE id = ?", {r.text(0)});
    }
  }
  return ovs_agent_id;
}

bool AgentService::heartbeat(store::SqlSession& s, const AgentReport& report) const {
  const auto expected = static_cast<int64_t>(agent_rows(report).size());
  return s.execute("UPDATE agents SET heartbeat_timestamp = ? WHERE host = ?",
                   {clock::now_unix_seconds(), report.host}) == expected;
}

void AgentService::disconnected(store::SqlSession& s, const std::string& host,
                                const std::string& channel_session) const {
  if (s.execute("UPDATE agents SET channel_session = NULL WHERE host = ? AND channel_session = ?",
                {host, channel_session}) > 0) {
    store::ChangeJournal::append(s, store::JournalKind::kAgent, host);
  }
}

void AgentService::forget_sessions(store::SqlSession& s) const {
  for (const auto& r :
       s.query("SELECT DISTINCT host FROM agents WHERE channel_session IS NOT NULL", {})) {
    store::ChangeJournal::append(s, store::JournalKind::kAgent, r.text(0));
  }
  s.execute("UPDATE agents SET channel_session = NULL WHERE channel_session IS NOT NULL", {});
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
