#pragma once
// Tails the change journal and turns it into per-host deltas, on its own thread: SQL never
// runs on the channel's I/O thread. At start it loads the whole model once; then, each time
// the wakeup fires (and at least every poll interval, so another controller's commits are
// never missed), it reads the entries after the last seq it applied, loads just those
// objects, and hands the changes per host to the sink. It keeps each host's recent deltas,
// so an agent that reconnects with the revision it applied gets only what changed since;
// older than that (or after a controller restart) it gets a snapshot. It compacts the journal
// it no longer needs.
//
// On PostgreSQL a seq can become visible after higher ones (change_journal.hpp): the follower
// applies entries only up to the first gap, and waits until the transactions that may hold
// the missing seq have ended (then it either appears or never will). So revisions only grow
// and no late commit is skipped.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/mutex.hpp"
#include "common/thread_role.hpp"
#include "controller/fanout/desired_model.hpp"
#include "controller/store/change_journal.hpp"
#include "controller/store/database.hpp"
#include "controller/store/journal_wakeup.hpp"

namespace neutrino::fanout {

struct FollowerOptions {
  std::chrono::milliseconds poll{1000};
  int64_t batch_limit = 5000;     // entries read per transaction
  size_t history_per_host = 128;  // deltas kept per host for resync
  // ... holding at most this many keys in all: a resync delta that large is hardly cheaper
  // than a snapshot, and keeping every host's setup-sized batches (which hold the objects they
  // name alive) was most of the controller's memory at 1,000 hosts and 100,000 ports.
  size_t history_keys_per_host = 1024;
  int64_t journal_retained = 100000;  // entries kept after compaction
  // The design this replaced, kept for comparison (bench/fanout_bench): after every batch,
  // every host's whole state is recomputed from SQL and diffed with what it was sent.
  std::function<channel::HostState(store::SqlSession&, const std::string&)> full_recompute;
};

// A host's state for a (re)connecting agent: a delta on top of `since` or a whole snapshot.
struct HostSync {
  bool snapshot = true;
  int64_t revision = 0;
  Json state;  // snapshot: {key: object}; delta: {"set": ..., "remove": [...]}
};

class JournalFollower {
 public:
  // Called on the follower thread after each batch, with the revision (journal seq) it
  // reached and what changed for which host.
  using DeltaSink = std::function<void(int64_t revision, const HostDeltas& deltas)>;
  using Recompute = std::function<channel::HostState(store::SqlSession&, const std::string&)>;

  JournalFollower(store::Database& db, store::JournalWakeup& wakeup, DeltaSink sink,
                  FollowerOptions options = {});
  ~JournalFollower();
  JournalFollower(const JournalFollower&) = delete;
  JournalFollower& operator=(const JournalFollower&) = delete;

  // Loads the model (throws on a store error) and starts following.
  void start();
  void stop();
  // Runs `done` on the follower thread with the host's state for an agent that applied
  // `last_revision` (0: none), after every journal entry committed before the call.
  void sync(const std::string& host, int64_t last_revision, std::function<void(HostSync)> done);
  // Hosts whose incrementally kept state differs from `recompute` run on the store now (the
  // consistency check of the tests); blocks until the follower thread has answered.
  std::vector<std::string> diverging_hosts(const Recompute& recompute);
  int64_t revision() const;

 private:
  struct Batch {
    int64_t revision;
    HostDeltas::Changes changes;
  };
  struct HostHistory {
    std::deque<Batch> batches;
    size_t keys = 0;  // over all batches
  };
  // A gap met in the journal: the writers in flight when it was first seen, and the highest
  // seq seen then (every missing seq below it belonged to one of them).
  struct GapWatch {
    std::vector<std::string> writers;
    int64_t below = 0;
  };
  void run() REQUIRES(thread_role_);
  void follow() REQUIRES(thread_role_);
  // Reads and applies one batch after revision_; returns the seq it reached. `gap_settled`:
  // the writers gap_ waits for had ended before this snapshot.
  int64_t read_batch(store::SqlSession& s, bool gap_settled, HostDeltas& deltas)
      REQUIRES(thread_role_);
  void apply(store::SqlSession& s, const store::JournalEntry& entry, HostDeltas& out)
      REQUIRES(thread_role_);
  void remember(int64_t revision, const HostDeltas& deltas) REQUIRES(thread_role_);
  // FollowerOptions::full_recompute: every host's delta from a recompute of its whole state.
  HostDeltas recompute_all(store::SqlSession& s) REQUIRES(thread_role_);
  HostSync answer(const std::string& host, int64_t last_revision) const REQUIRES(thread_role_);
  std::vector<std::string> compare(const Recompute& recompute) REQUIRES(thread_role_);
  void compact() REQUIRES(thread_role_);
  void post(std::function<void()> task);

  store::Database& db_;
  store::JournalWakeup& wakeup_;
  const DeltaSink sink_;
  const FollowerOptions options_;
  // The follower's thread (start() plays it until that thread runs) owns the model and all
  // that goes with it; other threads post() tasks to it and read revision_.
  ThreadRole thread_role_;
  DesiredModel model_ GUARDED_BY(thread_role_);
  std::unordered_map<std::string, HostHistory> history_ GUARDED_BY(thread_role_);
  // Per host: older revisions are forgotten.
  std::unordered_map<std::string, int64_t> history_floor_ GUARDED_BY(thread_role_);
  // full_recompute only.
  std::unordered_map<std::string, channel::HostState> recomputed_ GUARDED_BY(thread_role_);
  int64_t loaded_at_ GUARDED_BY(thread_role_) = 0;
  std::optional<GapWatch> gap_ GUARDED_BY(thread_role_);
  int64_t batches_ GUARDED_BY(thread_role_) = 0;
  // A batch was fanned out since the heap was last trimmed (see run()).
  bool trim_due_ GUARDED_BY(thread_role_) = false;
  std::atomic<int64_t> revision_{0};  // written on the follower's thread only
  Mutex tasks_mutex_;
  std::vector<std::function<void()>> tasks_ GUARDED_BY(tasks_mutex_);
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace neutrino::fanout
