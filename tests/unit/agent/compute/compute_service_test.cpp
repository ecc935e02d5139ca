// Spawning, errors and the channel side of the compute logic (contract §4-§6).
#include <filesystem>
#include <fstream>

#include "compute/images/image_cache.hpp"
#include "tests/unit/agent/compute/compute_fixture.hpp"

namespace neutrino::agent::testing {
namespace {

namespace fs = std::filesystem;
using ComputeService_ = ComputeFixture;

TEST_F(ComputeService_, GuestResumesOnlyAfterItsPortIsAcked) {
  start();
  service->set_state(state_of({instance_json(1)}));
  ASSERT_TRUE(reported(1, "paused", "spawning"));
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(count_calls("resume " + domain_of(1)), 0);
  service->set_ports_up({port_of(2)});  // another port: still waiting
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(count_calls("resume " + domain_of(1)), 0);
  service->set_ports_up({port_of(1), port_of(2)});
  ASSERT_TRUE(reported(1, "running", "ready"));
  EXPECT_EQ(driver.calls().at(0), "define " + domain_of(1));
  EXPECT_EQ(count_calls("resume " + domain_of(1)), 1);
}

TEST_F(ComputeService_, SpawnLaysOutNovaFilesAndDomain) {
  start();
  run_instance(1);
  const std::string d = instance_dir(1);
  EXPECT_TRUE(fs::exists(d + "/disk"));
  EXPECT_TRUE(fs::exists(d + "/disk.info"));
  EXPECT_TRUE(fs::exists(d + "/console.log"));
  EXPECT_TRUE(fs::exists(d + "/libvirt.xml"));
  EXPECT_TRUE(
      fs::exists(options.instances_path + "/_base/" + compute::ImageCache::cache_name("image-1")));
  const auto spec = driver.spec(domain_of(1));
  ASSERT_TRUE(spec);
  EXPECT_EQ(spec->uuid, uuid_of(1));
  EXPECT_EQ(spec->hostname, "vm1");
  EXPECT_EQ(spec->memory_mb, 64);
  EXPECT_EQ(spec->disk_path, d + "/disk");
  EXPECT_EQ(spec->console_log_path, d + "/console.log");
  EXPECT_TRUE(spec->kernel_path.empty());
  ASSERT_EQ(spec->vifs.size(), 1u);
  EXPECT_EQ(spec->vifs[0].port_id, port_of(1));
  EXPECT_EQ(spec->vifs[0].bridge, "br-int");
  EXPECT_EQ(spec->vifs[0].mtu, 1450);
  EXPECT_EQ(spec->vifs[0].tap_name(), "tapaaaaaaaa-00");
  EXPECT_TRUE(spec->vifs[0].checksum_offload);
}

TEST_F(ComputeService_, UserspaceDatapathTurnsGuestChecksumOffloadOff) {
  options.checksum_offload = false;
  start();
  run_instance(1);
  const auto spec = driver.spec(domain_of(1));
  ASSERT_TRUE(spec);
  ASSERT_EQ(spec->vifs.size(), 1u);
  EXPECT_FALSE(spec->vifs[0].checksum_offload);
}

TEST_F(ComputeService_, DirectKernelBootGetsKernelRamdiskAndDefaultCmdline) {
  source.add("kernel-1", "bzImage");
  source.add("ramdisk-1", "cpio");
  Json instance = instance_json(1);
  instance["kernel"] = instance_json(1, "kernel-1", "bzImage")["image"];
  instance["ramdisk"] = instance_json(1, "ramdisk-1", "cpio")["image"];
  start();
  service->set_state(state_of({instance}));
  ASSERT_TRUE(reported(1, "paused", "spawning"));
  const auto spec = driver.spec(domain_of(1));
  EXPECT_EQ(spec->kernel_path, instance_dir(1) + "/kernel");
  EXPECT_EQ(spec->ramdisk_path, instance_dir(1) + "/ramdisk");
  EXPECT_EQ(spec->kernel_cmdline, "console=ttyS0 root=/dev/vda");
  EXPECT_TRUE(fs::exists(instance_dir(1) + "/kernel"));
}

TEST_F(ComputeService_, ChecksumMismatchIsAnErrorAndLeavesNothing) {
  source.add("image-1", std::string(64 * 1024, 'X'));  // not what the controller described
  start();
  service->set_state(state_of({instance_json(1)}));
  ASSERT_TRUE(reported(1, "nostate", "error"));
  const Json fault = last_report(1)["fault"];
  EXPECT_NE(fault["message"].get<std::string>().find("failed checksum verification"),
            std::string::npos);
  EXPECT_EQ(fault["details"], "spawn failed at step: image");
  EXPECT_EQ(count_calls("define " + domain_of(1)), 0);
  EXPECT_FALSE(fs::exists(instance_dir(1)));
  std::this_thread::sleep_for(300ms);  // an error stays an error: no retry loop
  EXPECT_EQ(source.fetches(), 1);
}

TEST_F(ComputeService_, LibvirtErrorIsTheFaultAndPartialFilesGo) {
  driver.fail_next("define", "internal error: process exited while connecting to monitor");
  start();
  service->set_state(state_of({instance_json(1)}));
  ASSERT_TRUE(reported(1, "nostate", "error"));
  EXPECT_EQ(last_report(1)["fault"]["message"],
            "internal error: process exited while connecting to monitor");
  EXPECT_EQ(last_report(1)["fault"]["details"], "spawn failed at step: domain");
  EXPECT_FALSE(fs::exists(instance_dir(1)));
  EXPECT_EQ(count_calls("destroy " + domain_of(1)), 1);
}

TEST_F(ComputeService_, OneDownloadForInstancesSharingAnImage) {
  source.hold();
  start();
  service->set_state(state_of({instance_json(1), instance_json(2), instance_json(3)}));
  std::this_thread::sleep_for(200ms);
  source.release();
  ASSERT_TRUE(reported(1, "paused", "spawning"));
  ASSERT_TRUE(reported(2, "paused", "spawning"));
  ASSERT_TRUE(reported(3, "paused", "spawning"));
  EXPECT_EQ(source.fetches(), 1);
}

TEST_F(ComputeService_, SlowDownloadBlocksNeitherCallersNorOtherInstances) {
  source.add("image-2", "another image");
  source.hold();  // image-1 hangs ...
  start();
  Json slow = instance_json(1);
  const auto before = std::chrono::steady_clock::now();
  service->set_state(state_of({slow}));
  service->set_ports_up({port_of(1)});
  service->connected();
  EXPECT_LT(std::chrono::steady_clock::now() - before, 50ms);
  ASSERT_TRUE(reported(1, "nostate", "spawning"));
  std::this_thread::sleep_for(100ms);
  source.release();
  source.hold();
  // ... while image-2's instance, on another worker, would still go through: prove the
  // planner stays responsive by answering a console request meanwhile.
  service->handle_message({{"type", "console_log_request"},
                           {"request_id", "r1"},
                           {"instance_id", uuid_of(9)},
                           {"length", nullptr}});
  ASSERT_TRUE(eventually([&] {
    for (const auto& m : messages()) {
      if (m["type"] == "console_log" && m["request_id"] == "r1") {
        return true;
      }
    }
    return false;
  }));
  source.release();
  ASSERT_TRUE(reported(1, "running", "ready"));
}

TEST_F(ComputeService_, ReportsEveryInstanceAfterReconnect) {
  start();
  run_instance(1);
  run_instance(2, {instance_json(1)});
  {
    std::lock_guard lock(mutex);
    sent.clear();
  }
  std::this_thread::sleep_for(300ms);
  EXPECT_TRUE(messages().empty()) << "no change, no report";
  service->connected();
  ASSERT_TRUE(eventually([&] { return !messages().empty(); }));
  const Json message = messages().front();
  EXPECT_EQ(message["type"], "instance_state");
  EXPECT_EQ(message["instances"].size(), 2u);
}

TEST_F(ComputeService_, ConsoleLogLastLinesAsValidUtf8) {
  start();
  run_instance(1);
  driver.set_console(domain_of(1),
                     "one\ntwo\nthr\xff"
                     "ee\nfour\n");
  service->handle_message({{"type", "console_log_request"},
                           {"request_id", "req-7"},
                           {"instance_id", uuid_of(1)},
                           {"length", 2}});
  service->handle_message({{"type", "console_log_request"},
                           {"request_id", "req-8"},
                           {"instance_id", uuid_of(5)},
                           {"length", nullptr}});
  Json answer;
  Json missing;
  ASSERT_TRUE(eventually([&] {
    for (const auto& m : messages()) {
      if (m["type"] == "console_log") {
        (m["request_id"] == "req-7" ? answer : missing) = m;
      }
    }
    return !answer.is_null() && !missing.is_null();
  }));
  EXPECT_EQ(answer["output"],
            "thr\xef\xbf\xbd"
            "ee\nfour\n");
  EXPECT_TRUE(answer["error"].is_null());
  EXPECT_EQ(missing["error"], "Instance " + uuid_of(5) + " could not be found.");
}

TEST_F(ComputeService_, InvalidInstanceObjectIsReportedAsError) {
  Json bad = instance_json(1);
  bad["power"] = "sideways";
  start();
  service->set_state(state_of({bad}));
  ASSERT_TRUE(reported(1, "nostate", "error"));
  EXPECT_NE(last_report(1)["fault"]["message"].get<std::string>().find("sideways"),
            std::string::npos);
  EXPECT_TRUE(driver.calls().empty() || driver.calls().front().rfind("define", 0) != 0);
}

TEST_F(ComputeService_, PortsNeverWiredTimeOut) {
  options.vif_plugging_timeout = 1s;
  start();
  service->set_state(state_of({instance_json(1)}));
  ASSERT_TRUE(reported(1, "nostate", "error"));
  EXPECT_EQ(last_report(1)["fault"]["message"], "Virtual Interface creation failed");
  EXPECT_EQ(count_calls("resume " + domain_of(1)), 0);
  EXPECT_TRUE(eventually([&] { return !driver.domain(domain_of(1)); }));
  EXPECT_FALSE(fs::exists(instance_dir(1)));
}

}  // namespace
}  // namespace neutrino::agent::testing
