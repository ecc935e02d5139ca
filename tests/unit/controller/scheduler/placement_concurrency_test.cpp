// Concurrent placements never overcommit a host: each one loads the hosts' usage, chooses and
// inserts its instance in one write transaction, and the store serialises writers. The test
// widens the window between the capacity check and the insert on purpose; a check-then-insert
// outside one transaction would place more than fits.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

#include "common/clock.hpp"
#include "common/random.hpp"
#include "controller/scheduler/filter_scheduler.hpp"
#include "controller/scheduler/host_state_loader.hpp"
#include "tests/support/test_database.hpp"

namespace neutrino::scheduler {
namespace {

class PlacementConcurrency : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("neutrino-sched-" + random::uuid4());
    std::filesystem::create_directories(dir_);
    store_ =
        std::make_unique<neutrino::testing::TestDatabase>(store::SqliteOptions{"normal", 30000});
    db_ = &store_->db();
    const int64_t now = clock::now_unix_seconds();
    db_->write([&](store::SqlSession& s) {
      s.execute(
          "INSERT INTO agents (id, agent_type, \"binary\", host, created_at, started_at, "
          "heartbeat_timestamp) VALUES ('a1', 'Open vSwitch agent', 'neutrino-agent', "
          "'compute1', ?, ?, ?)",
          {now, now, now});
      s.execute(
          "INSERT INTO services (id, uuid, host, \"binary\", created_at, updated_at) "
          "VALUES (1, 's1', 'compute1', 'nova-compute', ?, ?)",
          {now, now});
      // 512 MB reserved + room for exactly ten 512 MB instances.
      s.execute(
          "INSERT INTO compute_nodes (uuid, service_id, host, hypervisor_hostname, "
          "hypervisor_type, hypervisor_version, virt_type, availability_zone, vcpus, memory_mb, "
          "local_gb, created_at, updated_at) VALUES ('n1', 1, 'compute1', 'compute1', 'QEMU', 1, "
          "'qemu', 'nova', 64, 5632, 100, ?, ?)",
          {now, now});
    });
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // One server create's placement: choose and record in a single write transaction.
  bool place_one(const FilterScheduler& scheduler) {
    return db_->write([&](store::SqlSession& s) {
      auto hosts = load_host_states(s, 60);
      RequestSpec spec;
      spec.vcpus = 1;
      spec.memory_mb = 512;
      spec.root_gb = 1;
      const Selection selection = scheduler.select(hosts, spec, 1);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));  // widen the race window
      if (!selection.found) {
        return false;
      }
      const int64_t now = clock::now_unix_seconds();
      s.execute(
          "INSERT INTO instances (id, reservation_id, project_id, name, hostname, created_at, "
          "updated_at, vcpus, memory_mb, root_gb, host, vm_state) "
          "VALUES (?, 'r-1', 'p', 'vm', 'vm', ?, ?, 1, 512, 1, ?, 'building')",
          {random::uuid4(), now, now, selection.hosts.front()});
      return true;
    });
  }

  std::filesystem::path dir_;
  std::unique_ptr<neutrino::testing::TestDatabase> store_;
  store::Database* db_ = nullptr;
};

TEST_F(PlacementConcurrency, ConcurrentCreatesNeverOvercommitAHost) {
  const FilterScheduler scheduler{SchedulerSettings{}};
  std::atomic<int> placed{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 4; ++i) {
        (place_one(scheduler) ? placed : refused)++;
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(placed.load(), 10);
  EXPECT_EQ(refused.load(), 22);
  const auto hosts = db_->read([](store::SqlSession& s) { return load_host_states(s, 60); });
  ASSERT_EQ(hosts.size(), 1u);
  EXPECT_EQ(hosts[0].memory_mb_used, 10 * 512);
  EXPECT_EQ(hosts[0].running_vms, 10);
  EXPECT_LE(static_cast<double>(hosts[0].memory_mb_used),
            hosts[0].memory_mb_capacity(SchedulerSettings{}));
}

TEST_F(PlacementConcurrency, LoaderReportsHealthAndUsage) {
  ASSERT_TRUE(place_one(FilterScheduler{SchedulerSettings{}}));
  db_->write([](store::SqlSession& s) {
    s.execute("UPDATE services SET disabled = 1");
    s.execute("UPDATE agents SET heartbeat_timestamp = 0");
  });
  const auto hosts = db_->read([](store::SqlSession& s) { return load_host_states(s, 60); });
  ASSERT_EQ(hosts.size(), 1u);
  EXPECT_FALSE(hosts[0].enabled);
  EXPECT_FALSE(hosts[0].up);
  EXPECT_EQ(hosts[0].vcpus_used, 1);
  EXPECT_EQ(hosts[0].disk_mb_used, 1024);
  EXPECT_EQ(hosts[0].availability_zone, "nova");
}

}  // namespace
}  // namespace neutrino::scheduler
