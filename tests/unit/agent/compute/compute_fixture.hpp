#pragma once
// A ComputeService on a FakeComputeDriver and a FakeImageSource in a temporary directory,
// with the messages it sends captured, and helpers to build instance objects and wait.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "agent/compute/compute_service.hpp"
#include "common/model/instance.hpp"
#include "compute/driver/fake_compute_driver.hpp"
#include "tests/unit/compute/fake_image_source.hpp"
#include "tests/unit/compute/temp_dir.hpp"

namespace neutrino::agent::testing {

using compute::PowerState;
using namespace std::chrono_literals;

inline const std::string kImage(64 * 1024, 'i');

inline std::string uuid_of(int n) {
  char text[37];
  std::snprintf(text, sizeof text, "00000000-0000-4000-8000-%012d", n);
  return text;
}

inline std::string port_of(int n) {
  char text[37];
  std::snprintf(text, sizeof text, "aaaaaaaa-0000-4000-8000-%012d", n);
  return text;
}

inline std::string domain_of(int n) {
  char text[32];
  std::snprintf(text, sizeof text, "instance-%08x", n);
  return text;
}

// The instance object the controller would push for instance n with one port.
inline Json instance_json(int n, const std::string& image_id = "image-1",
                          const std::string& image_bytes = kImage) {
  Json image = {{"id", image_id}, {"disk_format", "raw"}, {"container_format", "bare"}};
  const auto meta = compute::testing::meta_for(image_id, image_bytes);
  image["size"] = meta.size;
  image["checksum"] = meta.checksum;
  image["os_hash_algo"] = "sha512";
  image["os_hash_value"] = meta.os_hash_value;
  return {{"id", uuid_of(n)},
          {"name", domain_of(n)},
          {"hostname", "vm" + std::to_string(n)},
          {"project_id", "p"},
          {"vcpus", 1},
          {"memory_mb", 64},
          {"root_gb", 1},
          {"ephemeral_gb", 0},
          {"image", image},
          {"kernel", nullptr},
          {"ramdisk", nullptr},
          {"kernel_cmdline", nullptr},
          {"ports",
           {{{"id", port_of(n)},
             {"mac_address", "fa:16:3e:00:00:0" + std::to_string(n % 10)},
             {"network_id", "net-1"},
             {"mtu", 1450}}}},
          {"power", "running"},
          {"reboot_count", 0},
          {"reboot_type", "SOFT"},
          {"start_count", 0}};
}

// The host model's instance table holding these objects, decoded through the codec as the
// agent decodes the channel's objects, so the tests still go through the wire format.
inline std::map<std::string, model::Instance> state_of(const std::vector<Json>& instances) {
  std::map<std::string, model::Instance> table;
  for (const auto& instance : instances) {
    auto typed = instance.get<model::Instance>();
    table.emplace(typed.id, std::move(typed));
  }
  return table;
}

class ComputeFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    source.add("image-1", kImage);
    options.instances_path = dir.path() + "/instances";
    options.applied_state_path = dir.path() + "/compute-applied.json";
    options.shutdown_timeout = 1s;
    options.vif_plugging_timeout = 300s;
    options.sync_interval = 200ms;
    options.retry_interval = 100ms;
    options.workers = 2;
  }
  void TearDown() override { service.reset(); }

  void start() {
    service = std::make_unique<ComputeService>(options, driver, source, [this](Json message) {
      std::lock_guard lock(mutex);
      sent.push_back(std::move(message));
    });
    service->start();
  }

  // Waits until `condition` holds (polling), failing the test after `timeout`.
  bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
      if (std::chrono::steady_clock::now() > deadline) {
        return false;
      }
      std::this_thread::sleep_for(10ms);
    }
    return true;
  }

  // The last reported state of instance n ({} if none yet).
  Json last_report(int n) {
    std::lock_guard lock(mutex);
    for (auto it = sent.rbegin(); it != sent.rend(); ++it) {
      if ((*it)["type"] != "instance_state") {
        continue;
      }
      for (const auto& report : (*it)["instances"]) {
        if (report["id"] == uuid_of(n)) {
          return report;
        }
      }
    }
    return {};
  }

  bool reported(int n, const std::string& power, const std::string& task) {
    return eventually([&] {
      const Json r = last_report(n);
      return !r.is_null() && r["power_state"] == power && r["task"] == task;
    });
  }

  int count_calls(const std::string& call) {
    int n = 0;
    for (const auto& c : driver.calls()) {
      n += c == call ? 1 : 0;
    }
    return n;
  }

  std::vector<Json> messages() {
    std::lock_guard lock(mutex);
    return sent;
  }

  std::string instance_dir(int n) { return options.instances_path + "/" + uuid_of(n); }

  // Spawns instance n and brings it to running/ready.
  void run_instance(int n, std::vector<Json> others = {}) {
    others.push_back(instance_json(n));
    service->set_state(state_of(others));
    ASSERT_TRUE(reported(n, "paused", "spawning"));
    service->set_ports_up({port_of(n)});
    ASSERT_TRUE(reported(n, "running", "ready"));
  }

  compute::testing::TempDir dir;
  compute::testing::FakeImageSource source;
  compute::FakeComputeDriver driver;
  ComputeServiceOptions options;
  std::unique_ptr<ComputeService> service;
  std::mutex mutex;
  std::vector<Json> sent;
};

}  // namespace neutrino::agent::testing
