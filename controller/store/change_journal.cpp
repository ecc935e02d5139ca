#include "controller/store/change_journal.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <stdexcept>
#include <utility>

#include "common/clock.hpp"

namespace neutrino::store {
namespace {

constexpr std::array<std::pair<JournalKind, std::string_view>, 9> kKindNames = {{
    {JournalKind::kPort, "port"},
    {JournalKind::kNetwork, "network"},
    {JournalKind::kSubnet, "subnet"},
    {JournalKind::kSecurityGroup, "security_group"},
    {JournalKind::kAgent, "agent"},
    {JournalKind::kInstance, "instance"},
    {JournalKind::kRouter, "router"},
    {JournalKind::kFloatingIp, "floatingip"},
    {JournalKind::kAddressGroup, "address_group"},
}};

// The advisory lock key journal writers hold shared (pg_locks shows a bigint key below 2^32 as
// classid 0, objid key, objsubid 1), and the query listing who holds it: a virtual
// transaction id names one transaction, never reused.
constexpr int64_t kWriterLock = 0x6e6a726e;
const std::string kWriterLocks =
    "SELECT virtualtransaction FROM pg_locks WHERE locktype = 'advisory' AND classid = 0 AND "
    "objid = " +
    std::to_string(kWriterLock) + " AND objsubid = 1 AND granted";

}  // namespace

std::string_view journal_kind_name(JournalKind kind) {
  for (const auto& [k, name] : kKindNames) {
    if (k == kind) {
      return name;
    }
  }
  return "unknown";
}

JournalKind journal_kind_from_name(std::string_view name) {
  for (const auto& [k, n] : kKindNames) {
    if (n == name) {
      return k;
    }
  }
  throw std::invalid_argument("unknown journal kind '" + std::string(name) + "'");
}

int64_t ChangeJournal::append(SqlSession& s, JournalKind kind, const std::string& object_id) {
  const std::string name(journal_kind_name(kind));
  if (s.dialect() == SqlDialect::kSqlite) {
    s.execute("UPDATE change_journal_head SET seq = seq + 1 WHERE id = 1");
    const int64_t seq = s.query("SELECT seq FROM change_journal_head WHERE id = 1")[0].integer(0);
    s.execute("INSERT INTO change_journal (seq, kind, object_id, created_at) VALUES (?, ?, ?, ?)",
              {seq, name, object_id, clock::now_unix_seconds()});
    return seq;
  }
  // A shared advisory lock marks this transaction as a journal writer from before it has a
  // seq until it ends, so a reader that meets this seq's gap finds it in pg_locks
  // (in_flight()). NOTIFY is delivered at commit, once per transaction.
  s.query("SELECT pg_advisory_xact_lock_shared(" + std::to_string(kWriterLock) + ")");
  const int64_t seq = s.query(
                           "INSERT INTO change_journal (seq, kind, object_id, created_at) VALUES "
                           "(nextval('change_journal_seq'), ?, ?, ?) RETURNING seq",
                           {name, object_id, clock::now_unix_seconds()})[0]
                          .integer(0);
  s.query("SELECT pg_notify(?, '')", {std::string(kNotifyChannel)});
  return seq;
}

void ChangeJournal::append_selected(SqlSession& s, JournalKind kind, std::string_view sql,
                                    const SqlParams& params) {
  for (const auto& row : s.query(sql, params)) {
    append(s, kind, row.text(0));
  }
}

int64_t ChangeJournal::head(SqlSession& s) {
  if (s.dialect() == SqlDialect::kSqlite) {
    return s.query("SELECT seq FROM change_journal_head WHERE id = 1")[0].integer(0);
  }
  return s
      .query(
          "SELECT COALESCE(MAX(seq), (SELECT compacted_through FROM change_journal_head "
          "WHERE id = 1)) FROM change_journal")[0]
      .integer(0);
}

std::vector<std::string> ChangeJournal::in_flight(SqlSession& s) {
  std::vector<std::string> out;
  if (s.dialect() == SqlDialect::kSqlite) {
    return out;
  }
  for (const auto& row : s.query(kWriterLocks)) {
    out.push_back(row.text(0));
  }
  return out;
}

bool ChangeJournal::finished(SqlSession& s, const std::vector<std::string>& writers) {
  if (s.dialect() == SqlDialect::kSqlite || writers.empty()) {
    return true;
  }
  std::set<std::string> running;
  for (const auto& row : s.query(kWriterLocks)) {
    running.insert(row.text(0));
  }
  return std::none_of(writers.begin(), writers.end(),
                      [&](const std::string& w) { return running.contains(w); });
}

int64_t ChangeJournal::contiguous_through(SqlSession& s, int64_t after) {
  // The first visible seq whose successor is not visible ends the run that starts at after+1.
  const auto rows = s.query(
      "SELECT MIN(c.seq) FROM change_journal c WHERE c.seq > ? AND NOT EXISTS "
      "(SELECT 1 FROM change_journal d WHERE d.seq = c.seq + 1)",
      {after});
  if (s.query("SELECT 1 FROM change_journal WHERE seq = ?", {after + 1}).empty() || rows.empty() ||
      rows[0].is_null(0)) {
    return after;
  }
  return rows[0].integer(0);
}

int64_t ChangeJournal::compacted_through(SqlSession& s) {
  return s.query("SELECT compacted_through FROM change_journal_head WHERE id = 1")[0].integer(0);
}

std::vector<JournalEntry> ChangeJournal::read_since(SqlSession& s, int64_t after, int64_t limit) {
  std::vector<JournalEntry> out;
  for (const auto& row :
       s.query("SELECT seq, kind, object_id FROM change_journal WHERE seq > ? ORDER BY seq LIMIT ?",
               {after, limit})) {
    out.push_back({row.integer(0), journal_kind_from_name(row.text(1)), row.text(2)});
  }
  return out;
}

int64_t ChangeJournal::compact(SqlSession& s, int64_t through) {
  const int64_t removed = s.execute("DELETE FROM change_journal WHERE seq <= ?", {through});
  s.execute(
      "UPDATE change_journal_head SET compacted_through = ? WHERE id = 1 AND compacted_through < "
      "?",
      {through, through});
  return removed;
}

}  // namespace neutrino::store
