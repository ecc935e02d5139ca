#include "agent/app/reconciler.hpp"

#include <algorithm>
#include <chrono>

#include "common/log.hpp"

namespace neutrino::agent {
namespace {

using namespace std::chrono_literals;

constexpr auto kFirstRetry = 50ms;
constexpr auto kLastRetry = 1000ms;

}  // namespace

Reconciler::Reconciler(const BackendFactory& backend, const PartsFactory& parts, AckFn ack)
    : ack_(std::move(ack)) {
  backend_ = backend([this](OvsEvent event) { on_ovs_event(event); });
  parts_ = parts(*backend_);
}

Reconciler::~Reconciler() {
  stop();
}

void Reconciler::start() {
  thread_ = std::thread([this] { run(); });
}

void Reconciler::stop() {
  {
    MutexLock lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
    for (auto& part : parts_) {
      part->stop();
    }
  }
  // Parts first: they hold references to the backend.
  parts_.clear();
  backend_.reset();
}

void Reconciler::apply_delta(const Json& delta, int64_t revision) {
  {
    MutexLock lock(mutex_);
    for (const auto& item : delta.at("set").items()) {
      incoming_[item.key()] = item.value();
    }
    for (const auto& key : delta.at("remove")) {
      incoming_[key.get<std::string>()] = std::nullopt;
    }
    revision_ = revision;
    pending_.state = true;
  }
  wake_.notify_all();
}

void Reconciler::on_ovs_event(OvsEvent event) {
  {
    MutexLock lock(mutex_);
    if (event == OvsEvent::kInterfacesChanged) {
      pending_.interfaces = true;
    } else {
      pending_.full = true;  // a lost session: what OVS holds may be anything now
    }
  }
  wake_.notify_all();
}

void Reconciler::poke() {
  {
    MutexLock lock(mutex_);
    pending_.state = true;
  }
  wake_.notify_all();
}

std::uint64_t Reconciler::passes() const {
  MutexLock lock(mutex_);
  return passes_;
}

void Reconciler::run() {
  auto backoff = kFirstRetry;
  Pending pending;
  while (wait_for_work(pending)) {
    try {
      reconcile(pending);
      backoff = kFirstRetry;
    } catch (const std::exception& e) {
      log::warning("reconcile pass failed: ", e.what(), "; retrying");
      MutexLock lock(mutex_);
      pending_.full = true;  // the failed pass may have left any part half done
      const auto retry_at = std::chrono::steady_clock::now() + backoff;
      while (!stopping_ && wake_.wait_until(mutex_, retry_at)) {
      }
      backoff = std::min(backoff * 2, std::chrono::duration_cast<decltype(backoff)>(kLastRetry));
    }
  }
}

bool Reconciler::wait_for_work(Pending& pending) {
  const auto wake_at = next_wake();  // the parts are this thread's
  MutexLock lock(mutex_);
  while (!pending_.any() && !stopping_) {
    if (!wake_at) {
      wake_.wait(mutex_);
    } else if (!wake_.wait_until(mutex_, *wake_at)) {
      pending_.wake = true;
    }
  }
  pending = pending_;
  pending_ = {};
  return !stopping_;
}

void Reconciler::reconcile(const Pending& pending) {
  if (pending.pass()) {
    run_pass(pending);
  }
  wake_parts();
}

std::optional<std::chrono::steady_clock::time_point> Reconciler::next_wake() const {
  std::optional<std::chrono::steady_clock::time_point> next;
  for (const auto& part : parts_) {
    const auto at = part->wake_at();
    if (at && (!next || *at < *next)) {
      next = at;
    }
  }
  return next;
}

void Reconciler::wake_parts() {
  const auto now = std::chrono::steady_clock::now();
  for (auto& part : parts_) {
    if (const auto at = part->wake_at(); at && *at <= now) {
      part->wake();
    }
  }
}

void Reconciler::run_pass(const Pending& pending) {
  std::map<std::string, std::optional<Json>> incoming;
  int64_t revision;
  {
    MutexLock lock(mutex_);
    incoming.swap(incoming_);
    revision = revision_;
    ++passes_;
  }
  take_incoming(std::move(incoming));
  if (revision == 0) {
    // No snapshot yet: keep whatever is installed, but be connected and have the bridges
    // ready for when it comes.
    connect();
    return;
  }
  StateChanges changes;
  changes.objects = unapplied_;
  changes.full = pending.full || resync_due_;
  changes.interfaces = pending.interfaces || changes.full;
  PassResults results;
  bool connected = false;
  for (auto& part : parts_) {
    if (part->uses_ovs() && !connected) {
      connected = true;
      if (connect()) {
        changes.full = changes.interfaces = true;
      }
    }
    part->reconcile(DesiredState{model_}, changes, results);
  }
  resync_due_ = false;
  unapplied_.clear();
  ack(results, revision);
}

void Reconciler::take_incoming(std::map<std::string, std::optional<Json>> incoming) {
  for (auto& [key, object] : incoming) {
    if (model_.apply(key, object ? &*object : nullptr)) {
      const auto parsed = model::parse_object_key(key);
      unapplied_[parsed.kind].insert(parsed.id);
    }
  }
}

bool Reconciler::connect() {
  if (!backend_->connect()) {
    return false;
  }
  resync_due_ = true;  // until a pass has checked everything against the new connection
  for (auto& part : parts_) {
    if (part->uses_ovs()) {
      part->prepare();
    }
  }
  return true;
}

void Reconciler::ack(const PassResults& results, int64_t revision) {
  if (!results.ports_up_down) {
    return;
  }
  const auto& [up, down] = *results.ports_up_down;
  std::set<std::string> up_set(up.begin(), up.end());
  if (revision != acked_revision_ || up_set != acked_up_) {
    ack_(revision, up, down);
    acked_revision_ = revision;
    acked_up_ = std::move(up_set);
  }
}

}  // namespace neutrino::agent
