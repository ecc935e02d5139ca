// The reconciler applies the channel's deltas incrementally: the parts see the objects a delta
// changed (by kind and id), the model and the JSON objects in step, and an object that does
// not decode dropped alone. No Open vSwitch: the recording part needs none.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <optional>

#include "agent/app/reconciler.hpp"
#include "tests/unit/agent/app/no_ovs_backend.hpp"
#include "tests/unit/agent/app/test_desired.hpp"
#include "tests/unit/dataplane/pipeline/host_state_builder.hpp"

namespace neutrino::agent::testing {
namespace {

using model::ObjectKind;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using namespace std::chrono_literals;

// What one pass gave the parts.
struct Seen {
  model::ChangedObjects changed;
  bool full = false;
  std::vector<std::string> port_ips;  // of p1 in the model, or empty
  bool has_p2 = false;
  size_t ports = 0;
};

class RecordingPart : public ReconcilerPart {
 public:
  std::string_view name() const override { return "recording"; }
  bool uses_ovs() const override { return false; }
  void reconcile(const DesiredState& desired, const StateChanges& changes,
                 PassResults& /*results*/) override {
    Seen seen{changes.objects,
              changes.full,
              {},
              desired.model.port("p2") != nullptr,
              desired.model.ports().size()};
    if (const model::Port* p1 = desired.model.port("p1")) {
      for (const auto& ip : p1->fixed_ips) {
        seen.port_ips.push_back(ip.ip_address);
      }
    }
    std::lock_guard lock(mutex_);
    passes_.push_back(std::move(seen));
    changed_.notify_all();
  }
  // Asks to be woken `after` from now, once.
  void wake_in(std::chrono::milliseconds after) {
    std::lock_guard lock(mutex_);
    wake_at_ = std::chrono::steady_clock::now() + after;
  }
  std::optional<std::chrono::steady_clock::time_point> wake_at() const override {
    std::lock_guard lock(mutex_);
    return wake_at_;
  }
  void wake() override {
    std::lock_guard lock(mutex_);
    wake_at_.reset();
    ++wakes_;
    changed_.notify_all();
  }
  bool wait_for_wake() {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 10s, [&] { return wakes_ > 0; });
  }
  size_t passes() {
    std::lock_guard lock(mutex_);
    return passes_.size();
  }
  Seen wait_for_pass(size_t n) {
    std::unique_lock lock(mutex_);
    EXPECT_TRUE(changed_.wait_for(lock, 10s, [&] { return passes_.size() >= n; }));
    return passes_.size() >= n ? passes_[n - 1] : Seen{};
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Seen> passes_;
  std::optional<std::chrono::steady_clock::time_point> wake_at_;
  int wakes_ = 0;
};

class ReconcilerDeltaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    reconciler_ = std::make_unique<Reconciler>(
        [](OvsEventHandler) { return std::make_unique<NoOvsBackend>(); },
        [this](OvsBackend&) {
          std::vector<std::unique_ptr<ReconcilerPart>> parts;
          auto part = std::make_unique<RecordingPart>();
          part_ = part.get();
          parts.push_back(std::move(part));
          return parts;
        },
        [](int64_t, std::vector<std::string>, std::vector<std::string>) {});
    reconciler_->start();
  }

  static Json delta(Json set, Json remove = Json::array()) {
    return {{"set", std::move(set)}, {"remove", std::move(remove)}};
  }

  std::unique_ptr<Reconciler> reconciler_;
  RecordingPart* part_ = nullptr;
};

TEST_F(ReconcilerDeltaTest, PartsSeeWhatEachDeltaChanged) {
  dataplane::pipeline::HostStateBuilder b;
  b.network("n1", "vxlan", 100)
      .subnet("sub-v4", "n1", "10.0.0.0/24")
      .port("p1", "n1", "fa:16:3e:00:00:01", {"10.0.0.5"})
      .port("p2", "n1", "fa:16:3e:00:00:02", {"10.0.0.6"});
  reconciler_->apply_delta(snapshot_delta(b.state()), 1);
  const Seen first = part_->wait_for_pass(1);
  EXPECT_TRUE(first.full);
  EXPECT_EQ(first.ports, 2u);
  EXPECT_THAT(first.port_ips, ElementsAre("10.0.0.5"));

  // p1 re-addressed, p2 gone: only they are named, and the model follows.
  b.set("port:p1", "fixed_ips", {{{"subnet_id", "sub-v4"}, {"ip_address", "10.0.0.9"}}});
  reconciler_->apply_delta(delta({{"port:p1", b.state().at("port:p1")}}, {"port:p2"}), 2);
  const Seen second = part_->wait_for_pass(2);
  EXPECT_FALSE(second.full);
  EXPECT_EQ(second.changed, (model::ChangedObjects{{ObjectKind::kPort, {"p1", "p2"}}}));
  EXPECT_THAT(second.port_ips, ElementsAre("10.0.0.9"));
  EXPECT_FALSE(second.has_p2);
  EXPECT_EQ(second.ports, 1u);

  // An object that does not decode is dropped; the rest of its delta applies.
  reconciler_->apply_delta(
      delta({{"port:p1", {{"id", "p1"}}}, {"network:n1", b.state().at("network:n1")}}), 3);
  const Seen third = part_->wait_for_pass(3);
  EXPECT_EQ(third.changed, (model::ChangedObjects{{ObjectKind::kPort, {"p1"}}}));
  EXPECT_THAT(third.port_ips, IsEmpty());
  EXPECT_EQ(third.ports, 0u);
}

// A part's own timer (the flows part repeating its ARP announcements) wakes it alone: no pass
// runs for it.
TEST_F(ReconcilerDeltaTest, APartIsWokenWhenItAskedWithoutAPass) {
  part_->wake_in(200ms);
  dataplane::pipeline::HostStateBuilder b;
  b.network("n1", "vxlan", 100);
  reconciler_->apply_delta(snapshot_delta(b.state()), 1);
  part_->wait_for_pass(1);
  const auto passes = reconciler_->passes();  // with one before the snapshot, or not
  EXPECT_TRUE(part_->wait_for_wake());
  EXPECT_EQ(reconciler_->passes(), passes);
  EXPECT_EQ(part_->passes(), 1u);
}

}  // namespace
}  // namespace neutrino::agent::testing
