#include "controller/fanout/journal_follower.hpp"

#include <malloc.h>

#include <future>
#include <set>

#include "common/log.hpp"
#include "controller/fanout/l3_loader.hpp"
#include "controller/fanout/object_loader.hpp"
#include "controller/store/change_journal.hpp"

namespace neutrino::fanout {

JournalFollower::JournalFollower(store::Database& db, store::JournalWakeup& wakeup, DeltaSink sink,
                                 FollowerOptions options)
    : db_(db), wakeup_(wakeup), sink_(std::move(sink)), options_(options) {}

JournalFollower::~JournalFollower() {
  stop();
}

void JournalFollower::start() {
  // Until the follower's thread runs, this one sets up what that thread will own.
  thread_role_.bind_to_this_thread();
  db_.read([&](store::SqlSession& s) {
    thread_role_.assert_current();
    // One read transaction: the model and the seq it is current at agree. A seq this snapshot
    // misses may be in flight and commit later: on PostgreSQL start below the first gap (entries
    // the model holds already are applied again, which changes nothing).
    const int64_t compacted = store::ChangeJournal::compacted_through(s);
    loaded_at_ = s.dialect() == store::SqlDialect::kSqlite
                     ? store::ChangeJournal::head(s)
                     : store::ChangeJournal::contiguous_through(s, compacted);
    load_all(s, {[&](const model::Network& n) {
                   thread_role_.assert_current();
                   model_.network_changed(n.id, n, nullptr);
                 },
                 [&](const model::Subnet& n) {
                   thread_role_.assert_current();
                   model_.subnet_changed(n.id, n, nullptr);
                 },
                 [&](const model::SecurityGroup& g) {
                   thread_role_.assert_current();
                   model_.group_changed(g.id, g, nullptr);
                 },
                 [&](const std::string& host, const std::string& ip) {
                   thread_role_.assert_current();
                   model_.agent_changed(host, ip, nullptr);
                 },
                 [&](const PortRecord& p) {
                   thread_role_.assert_current();
                   model_.port_changed(p.port.id, p, nullptr);
                 },
                 [&](const InstanceRecord& i) {
                   thread_role_.assert_current();
                   model_.instance_changed(i.instance.id, i, nullptr);
                 },
                 [&](const model::AddressGroup& g) {
                   thread_role_.assert_current();
                   model_.address_group_changed(g.id, g, nullptr);
                 }});
    load_all_l3(
        s,
        [&](const model::Router& r) {
          thread_role_.assert_current();
          model_.router_changed(r.id, r, nullptr);
        },
        [&](const model::FloatingIp& f) {
          thread_role_.assert_current();
          model_.floating_ip_changed(f.id, f, nullptr);
        });
  });
  revision_ = loaded_at_;
  if (options_.full_recompute) {
    for (const auto& host : model_.hosts()) {
      recomputed_[host] = model_.materialize(host);
    }
  }
  log::info("fan-out: model of ", model_.ports(), " ports for ", model_.hosts().size(),
            " hosts loaded at journal seq ", loaded_at_);
  thread_ = std::thread([this] {
    thread_role_.bind_to_this_thread();
    run();
  });
}

void JournalFollower::stop() {
  if (!thread_.joinable()) {
    return;
  }
  stopping_ = true;
  wakeup_.interrupt();
  thread_.join();
}

int64_t JournalFollower::revision() const {
  return revision_;
}

void JournalFollower::post(std::function<void()> task) {
  {
    MutexLock lock(tasks_mutex_);
    tasks_.push_back(std::move(task));
  }
  wakeup_.notify();
}

void JournalFollower::run() {
  while (!stopping_) {
    const int64_t before = revision_;
    try {
      follow();
    } catch (const std::exception& e) {
      log::error("fan-out: cannot follow the change journal: ", e.what());
    }
    if (revision_ == before && trim_due_) {
      // Quiet again after fanning out: hand the frames' and batches' freed memory back to
      // the system, which glibc keeps otherwise (ovsdb-server trims after compaction alike).
      // At 1,000 hosts and 100,000 ports that is a third of the controller's RSS.
      malloc_trim(0);
      trim_due_ = false;
    }
    std::vector<std::function<void()>> tasks;
    {
      MutexLock lock(tasks_mutex_);
      tasks.swap(tasks_);
    }
    for (auto& task : tasks) {
      task();
    }
    if (!tasks.empty()) {
      continue;  // a task may have been posted with new entries behind it
    }
    // A gap waits for transactions that are about to end: look again soon, not in a second.
    if (!wakeup_.wait(gap_ ? std::min(options_.poll, std::chrono::milliseconds(5))
                           : options_.poll)) {
      break;
    }
  }
}

void JournalFollower::follow() {
  for (;;) {
    HostDeltas deltas;
    // Asked in a transaction of its own, before the batch's snapshot is taken: what the
    // writers committed is then visible in it.
    const bool gap_settled = gap_ && db_.read([writers = gap_->writers](store::SqlSession& s) {
      return store::ChangeJournal::finished(s, writers);
    });
    const int64_t reached = db_.read([&](store::SqlSession& s) {
      thread_role_.assert_current();
      return read_batch(s, gap_settled, deltas);
    });
    if (reached == revision_) {
      return;
    }
    revision_ = reached;
    remember(reached, deltas);
    if (!deltas.empty() && sink_) {
      sink_(reached, deltas);
      trim_due_ = true;
    }
    if (++batches_ % 64 == 0) {
      compact();
    }
  }
}

int64_t JournalFollower::read_batch(store::SqlSession& s, bool gap_settled, HostDeltas& deltas) {
  int64_t reached = revision_;
  const auto entries = store::ChangeJournal::read_since(s, reached, options_.batch_limit);
  if (!entries.empty() && reached > 0 && entries.front().seq > reached + 1 &&
      store::ChangeJournal::compacted_through(s) > reached) {
    log::error("fan-out: the journal was compacted past seq ", reached,
               " before this controller read it; agents need a resync");
    reached = entries.front().seq - 1;
  }
  // One load per object per batch: the journal names objects, the store says what they are
  // now.
  std::set<std::pair<store::JournalKind, std::string>> seen;
  for (const auto& entry : entries) {
    if (entry.seq > reached + 1 && s.dialect() != store::SqlDialect::kSqlite) {
      // A gap: the missing seqs are gone for good once no writer that may hold one still
      // runs; until then, stop here and look again.
      const bool covered = gap_ && entry.seq - 1 < gap_->below;
      if (!(gap_settled && covered)) {
        if (!covered || gap_settled) {
          gap_ = GapWatch{store::ChangeJournal::in_flight(s), entries.back().seq};
        }
        break;
      }
    }
    if (seen.emplace(entry.kind, entry.object_id).second) {
      apply(s, entry, deltas);
    }
    reached = entry.seq;
  }
  if (gap_ && reached + 1 >= gap_->below) {
    gap_.reset();  // every gap it watched is behind us
  }
  if (options_.full_recompute && reached != revision_) {
    deltas = recompute_all(s);
  }
  return reached;
}

void JournalFollower::apply(store::SqlSession& s, const store::JournalEntry& entry,
                            HostDeltas& out) {
  const std::string& id = entry.object_id;
  switch (entry.kind) {
    case store::JournalKind::kPort:
      model_.port_changed(id, load_port(s, id), &out);
      // A router interface or gateway port's address and MAC are part of its router.
      for (const auto& router : routers_of_port(s, id)) {
        model_.router_changed(router, load_router(s, router), &out);
      }
      break;
    case store::JournalKind::kNetwork:
      model_.network_changed(id, load_network(s, id), &out);
      for (const auto& instance : model_.instances_on_network(id)) {
        model_.instance_changed(instance, load_instance(s, instance), &out);
      }
      break;
    case store::JournalKind::kSubnet:
      model_.subnet_changed(id, load_subnet(s, id), &out);
      break;
    case store::JournalKind::kSecurityGroup:
      model_.group_changed(id, load_security_group(s, id), &out);
      break;
    case store::JournalKind::kAgent:
      model_.agent_changed(id, load_tunnel_ip(s, id), &out);
      // Its (dis)connection may move gateways: routers whose host stays the same are unchanged.
      for (const auto& router : routers_with_gateway(s)) {
        model_.router_changed(router, load_router(s, router), &out);
      }
      break;
    case store::JournalKind::kInstance:
      model_.instance_changed(id, load_instance(s, id), &out);
      break;
    case store::JournalKind::kRouter:
      model_.router_changed(id, load_router(s, id), &out);
      break;
    case store::JournalKind::kFloatingIp:
      model_.floating_ip_changed(id, load_floating_ip(s, id), &out);
      break;
    case store::JournalKind::kAddressGroup:
      model_.address_group_changed(id, load_address_group(s, id), &out);
      break;
  }
}

HostDeltas JournalFollower::recompute_all(store::SqlSession& s) {
  HostDeltas out;
  std::set<std::string> hosts;
  for (const auto& h : model_.hosts()) {
    hosts.insert(h);
  }
  for (const auto& [h, state] : recomputed_) {
    hosts.insert(h);
  }
  for (const auto& host : hosts) {
    channel::HostState now = options_.full_recompute(s, host);
    auto& before = recomputed_[host];
    const Json delta = channel::diff_host_state(before, now);
    for (const auto& [key, object] : delta["set"].items()) {
      out.set(host, key, std::make_shared<const Json>(object));
    }
    for (const auto& key : delta["remove"]) {
      out.remove(host, key.get<std::string>());
    }
    before = std::move(now);
  }
  return out;
}

void JournalFollower::remember(int64_t revision, const HostDeltas& deltas) {
  for (const auto& [host, changes] : deltas.by_host()) {
    auto& history = history_[host];
    if (changes.size() > options_.history_keys_per_host) {
      // More than the history may hold: it would only be copied in to be dropped with all
      // before it.
      history = {};
      history_floor_[host] = revision;
      continue;
    }
    history.batches.push_back({revision, changes});
    history.keys += changes.size();
    while (history.batches.size() > options_.history_per_host ||
           history.keys > options_.history_keys_per_host) {
      history_floor_[host] = history.batches.front().revision;
      history.keys -= history.batches.front().changes.size();
      history.batches.pop_front();
    }
  }
}

HostSync JournalFollower::answer(const std::string& host, int64_t last_revision) const {
  const auto floor = history_floor_.find(host);
  const int64_t oldest = std::max(loaded_at_, floor == history_floor_.end() ? 0 : floor->second);
  // 0: the agent has nothing yet. Older than what this controller remembers for the host, or
  // newer than the journal (another store's revision): a snapshot.
  if (last_revision > 0 && last_revision >= oldest && last_revision <= revision_) {
    HostDeltas::Changes merged;
    if (const auto it = history_.find(host); it != history_.end()) {
      for (const auto& batch : it->second.batches) {
        if (batch.revision > last_revision) {
          for (const auto& [key, object] : batch.changes) {
            merged[key] = object;
          }
        }
      }
    }
    return {false, revision_, HostDeltas::to_delta(merged)};
  }
  Json state = Json::object();
  for (auto& [key, object] : model_.materialize(host)) {
    state[key] = std::move(object);
  }
  return {true, revision_, std::move(state)};
}

void JournalFollower::sync(const std::string& host, int64_t last_revision,
                           std::function<void(HostSync)> done) {
  post([this, host, last_revision, done = std::move(done)] {
    thread_role_.assert_current();
    follow();  // everything committed before the agent's hello
    done(answer(host, last_revision));
  });
}

std::vector<std::string> JournalFollower::diverging_hosts(const Recompute& recompute) {
  std::promise<std::vector<std::string>> answer;
  auto result = answer.get_future();
  post([&] {
    thread_role_.assert_current();
    try {
      answer.set_value(compare(recompute));
    } catch (...) {
      answer.set_exception(std::current_exception());
    }
  });
  return result.get();
}

std::vector<std::string> JournalFollower::compare(const Recompute& recompute) {
  std::vector<std::string> diverging;
  bool compared = false;
  // Compare at one seq: retry while commits land between following and reading.
  for (int attempt = 0; attempt < 20 && !compared; ++attempt) {
    follow();
    db_.read([&](store::SqlSession& s) {
      thread_role_.assert_current();
      if (store::ChangeJournal::head(s) != revision_) {
        return;
      }
      compared = true;
      // Every host either side knows of: the model's, and every host SQL binds to.
      std::set<std::string> hosts;
      for (const auto& h : model_.hosts()) {
        hosts.insert(h);
      }
      for (const auto& r :
           s.query("SELECT DISTINCT host FROM ml2_port_bindings WHERE host <> '' UNION "
                   "SELECT DISTINCT host FROM instances WHERE host IS NOT NULL")) {
        hosts.insert(r.text(0));
      }
      for (const auto& host : hosts) {
        if (model_.materialize(host) != recompute(s, host)) {
          diverging.push_back(host);
        }
      }
    });
    if (!compared) {
      // A gap (a transaction still in flight) or a commit that just landed: let it settle.
      std::this_thread::sleep_for(std::chrono::milliseconds(10 * (attempt + 1)));
    }
  }
  if (!compared) {
    throw std::runtime_error("the journal kept moving; no consistent point to compare at");
  }
  return diverging;
}

void JournalFollower::compact() {
  const int64_t through = revision_ - options_.journal_retained;
  if (through <= 0) {
    return;
  }
  try {
    const int64_t removed = db_.write(
        [through](store::SqlSession& s) { return store::ChangeJournal::compact(s, through); });
    if (removed > 0) {
      log::debug("fan-out: compacted ", removed, " journal entries through seq ", through);
    }
  } catch (const std::exception& e) {
    log::warning("fan-out: journal compaction failed: ", e.what());
  }
}

}  // namespace neutrino::fanout
