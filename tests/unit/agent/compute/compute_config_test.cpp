#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "agent/app/agent_config.hpp"

namespace neutrino::agent {
namespace {

AgentConfig parse(std::vector<std::string> extra) {
  std::vector<std::string> args = {"--host",         "h1", "--tunnel-ip", "192.0.2.1",
                                   "--agent-secret", "s"};
  args.insert(args.end(), extra.begin(), extra.end());
  return parse_agent_config(args, [](const std::string&) { return std::nullopt; });
}

TEST(ComputeConfig, OffByDefault) {
  const AgentConfig c = parse({});
  EXPECT_FALSE(c.compute_enabled);
  EXPECT_EQ(c.instances_path, "/var/lib/neutrino-agent/instances");
  EXPECT_EQ(c.libvirt_uri, "qemu:///system");
  EXPECT_EQ(c.compute_vcpus, -1);
}

TEST(ComputeConfig, FlagsAndBareSwitch) {
  const AgentConfig c = parse(
      {"--compute", "--image-service", "http://192.0.2.9:9292/image", "--instances-path", "/srv/i",
       "--libvirt-uri", "qemu:///system?socket=/x", "--compute-vcpus", "4", "--compute-memory-mb",
       "2048", "--compute-disk-gb", "20", "--virt-type", "qemu", "--shutdown-timeout", "5"});
  EXPECT_TRUE(c.compute_enabled);
  EXPECT_EQ(c.image_service, "http://192.0.2.9:9292/image");
  EXPECT_EQ(c.instances_path, "/srv/i");
  EXPECT_EQ(c.libvirt_uri, "qemu:///system?socket=/x");
  EXPECT_EQ(c.compute_vcpus, 4);
  EXPECT_EQ(c.compute_memory_mb, 2048);
  EXPECT_EQ(c.compute_disk_gb, 20);
  EXPECT_EQ(c.virt_type, "qemu");
  EXPECT_EQ(c.shutdown_timeout, 5);
  EXPECT_FALSE(parse({"--compute=false"}).compute_enabled);
}

TEST(ComputeConfig, IniSections) {
  const std::string path = "/tmp/ntr-compute-config-" + std::to_string(::getpid()) + ".ini";
  std::ofstream(path) << "[compute]\nenabled = true\nvcpus = 2\n"
                         "[glance]\napi_servers = http://10.0.0.1:9292/image\n"
                         "[libvirt]\nvirt_type = kvm\n";
  const AgentConfig c = parse({"--config", path});
  std::remove(path.c_str());
  EXPECT_TRUE(c.compute_enabled);
  EXPECT_EQ(c.compute_vcpus, 2);
  EXPECT_EQ(c.image_service, "http://10.0.0.1:9292/image");
  EXPECT_EQ(c.virt_type, "kvm");
}

TEST(ComputeConfig, BadValuesAreRefused) {
  EXPECT_THROW(parse({"--compute"}), AgentConfigError);  // no image service
  EXPECT_THROW(parse({"--compute-vcpus", "0"}), AgentConfigError);
  EXPECT_THROW(parse({"--compute-memory-mb", "many"}), AgentConfigError);
  EXPECT_THROW(parse({"--virt-type", "xen"}), AgentConfigError);
  EXPECT_THROW(parse({"--compute=maybe"}), AgentConfigError);
}

}  // namespace
}  // namespace neutrino::agent
