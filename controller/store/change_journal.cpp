#include "controller/store/change_journal.hpp"

#include <array>
#include <stdexcept>
#include <utility>

#include "common/clock.hpp"

namespace neutrino::store {
namespace {

constexpr std::array<std::pair<JournalKind, std::string_view>, 6> kKindNames = {{
    {JournalKind::kPort, "port"},
    {JournalKind::kNetwork, "network"},
    {JournalKind::kSubnet, "subnet"},
    {JournalKind::kSecurityGroup, "security_group"},
    {JournalKind::kAgent, "agent"},
    {JournalKind::kInstance, "instance"},
}};

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
  s.execute("UPDATE change_journal_head SET seq = seq + 1 WHERE id = 1");
  const int64_t seq = head(s);
  s.execute("INSERT INTO change_journal (seq, kind, object_id, created_at) VALUES (?, ?, ?, ?)",
            {seq, std::string(journal_kind_name(kind)), object_id, clock::now_unix_seconds()});
  return seq;
}

void ChangeJournal::append_selected(SqlSession& s, JournalKind kind, std::string_view sql,
                                    const SqlParams& params) {
  for (const auto& row : s.query(sql, params)) {
    append(s, kind, row.text(0));
  }
}

int64_t ChangeJournal::head(SqlSession& s) {
  return s.query("SELECT seq FROM change_journal_head WHERE id = 1")[0].integer(0);
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
