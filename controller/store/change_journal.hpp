#pragma once
// The change journal: every write transaction that changes something an agent is pushed
// appends (kind, object id) here, inside the same transaction, and gets a sequence number
// that only grows. Fan-out reads it with "WHERE seq > ?" after every commit (any controller
// can tail it), loads the objects named, and pushes what they changed; nothing reaches an
// agent that is not in the journal. The journal says what changed, never how: readers load
// the object as it is now, so entries can be coalesced and old ones compacted away.
//
// On SQLite (one writer) entries become visible in seq order. On PostgreSQL seq comes from a
// sequence and writers run concurrently, so a reader can see seq 8 while seq 7 is still in
// flight (it commits later, or rolls back and never appears). Every PostgreSQL writer holds a
// shared advisory lock from before it takes a seq until it ends; a reader that meets a gap
// notes who holds that lock (in_flight(), asked after its snapshot was taken), and once
// finished() says they all ended (asked before the next snapshot), a seq still missing below
// the entries it saw is gone for good. Every append also wakes the other controllers (NOTIFY
// kNotifyChannel, sent by PostgreSQL at commit).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "controller/store/sql_session.hpp"

namespace neutrino::store {

// The kinds of object the journal names. The id is the object's id, except for kAgent whose
// id is the agent's host name (its tunnel IP and mappings feed the other hosts' state).
enum class JournalKind {
  kPort,
  kNetwork,
  kSubnet,
  kSecurityGroup,
  kAgent,
  kInstance,
  kRouter,
  kFloatingIp,
  kAddressGroup
};

std::string_view journal_kind_name(JournalKind kind);
// Throws std::invalid_argument for a name no JournalKind has.
JournalKind journal_kind_from_name(std::string_view name);

struct JournalEntry {
  int64_t seq = 0;
  JournalKind kind = JournalKind::kPort;
  std::string object_id;
};

class ChangeJournal {
 public:
  // The LISTEN/NOTIFY channel a PostgreSQL journal append notifies when it commits.
  static constexpr const char* kNotifyChannel = "neutrino_change";

  // Appends one entry in `s`'s transaction and returns its seq.
  static int64_t append(SqlSession& s, JournalKind kind, const std::string& object_id);
  // Appends one entry per first column of the rows `sql` selects (e.g. the ports a cascading
  // delete is about to take with it).
  static void append_selected(SqlSession& s, JournalKind kind, std::string_view sql,
                              const SqlParams& params);
  // The highest seq `s` sees (compacted_through when the journal is empty).
  static int64_t head(SqlSession& s);
  // The journal writers (virtual transaction ids) running now: asked after `s`'s snapshot was
  // taken, a superset of those that may hold a seq missing below one `s` sees. Always empty on
  // SQLite, which has one writer.
  static std::vector<std::string> in_flight(SqlSession& s);
  // True when none of `writers` runs any more: a snapshot taken after this sees what they
  // committed.
  static bool finished(SqlSession& s, const std::vector<std::string>& writers);
  // The highest seq above `after` up to which `s` sees every seq (no gap): `after` itself when
  // seq after+1 is not visible.
  static int64_t contiguous_through(SqlSession& s, int64_t after);
  // Entries are kept for seq > compacted_through only.
  static int64_t compacted_through(SqlSession& s);
  // At most `limit` entries with seq > after, in seq order.
  static std::vector<JournalEntry> read_since(SqlSession& s, int64_t after, int64_t limit);
  // Drops entries with seq <= through; returns how many went.
  static int64_t compact(SqlSession& s, int64_t through);
};

}  // namespace neutrino::store
