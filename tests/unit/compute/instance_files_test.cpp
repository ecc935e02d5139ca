#include "compute/instance/instance_files.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/json.hpp"
#include "compute/images/qemu_img.hpp"
#include "tests/unit/compute/temp_dir.hpp"

namespace neutrino::compute {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

constexpr const char* kUuid = "7b5c2a1e-1111-4222-8333-944455556666";

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class InstanceFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir.path() + "/_base");
    base = dir.path() + "/_base/0123456789abcdef0123456789abcdef01234567";
    std::ofstream(base, std::ios::binary) << std::string(1 << 20, 'x');
  }
  TempDir dir;
  InstanceFiles files{dir.path()};
  std::string base;
};

TEST_F(InstanceFilesTest, NovaLayout) {
  const InstancePaths p = files.create(kUuid, {base, 0, "", ""});
  EXPECT_EQ(p.dir, dir.path() + "/" + kUuid);
  const QemuImageInfo info = qemu_img_info(p.disk, "qcow2");
  EXPECT_EQ(info.format, "qcow2");
  ASSERT_TRUE(info.backing_file.has_value());
  EXPECT_EQ(*info.backing_file, base);
  EXPECT_EQ(info.virtual_size, 1 << 20);
  EXPECT_EQ(Json::parse(read(p.disk_info)), (Json{{p.disk, "qcow2"}}));
  EXPECT_TRUE(fs::exists(p.console_log));
  EXPECT_FALSE(fs::exists(p.kernel));
  files.write_domain_xml(kUuid, "<domain/>");
  EXPECT_EQ(read(p.libvirt_xml), "<domain/>");
  EXPECT_EQ(files.list(), std::vector<std::string>{kUuid});
}

TEST_F(InstanceFilesTest, DiskGrowsToTheFlavorsRootDisk) {
  const InstancePaths p = files.create(kUuid, {base, int64_t{1} << 30, "", ""});
  EXPECT_EQ(qemu_img_info(p.disk, "qcow2").virtual_size, int64_t{1} << 30);
}

TEST_F(InstanceFilesTest, RootDiskSmallerThanTheImageIsRefused) {
  try {
    files.create(kUuid, {base, 4096, "", ""});
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("Flavor's disk is too small"), std::string::npos);
  }
  EXPECT_FALSE(files.exists(kUuid));
}

TEST_F(InstanceFilesTest, KernelAndRamdiskAreCopied) {
  const std::string kernel = dir.path() + "/_base/kernel-src";
  const std::string ramdisk = dir.path() + "/_base/ramdisk-src";
  std::ofstream(kernel) << "bzImage";
  std::ofstream(ramdisk) << "cpio";
  const InstancePaths p = files.create(kUuid, {base, 0, kernel, ramdisk});
  EXPECT_EQ(read(p.kernel), "bzImage");
  EXPECT_EQ(read(p.ramdisk), "cpio");
}

TEST_F(InstanceFilesTest, FailureLeavesNoDirectory) {
  EXPECT_ANY_THROW(files.create(kUuid, {base, 0, dir.path() + "/missing-kernel", ""}));
  EXPECT_FALSE(files.exists(kUuid));
}

TEST_F(InstanceFilesTest, RemoveTakesEverything) {
  files.create(kUuid, {base, 0, "", ""});
  files.remove(kUuid);
  EXPECT_FALSE(files.exists(kUuid));
  EXPECT_TRUE(fs::exists(base));
  files.remove(kUuid);  // idempotent
}

TEST_F(InstanceFilesTest, OnlyUuidsBecomePaths) {
  EXPECT_THROW(files.paths("../../etc"), std::invalid_argument);
  EXPECT_THROW(files.paths("7b5c2a1e-1111-4222-8333-94445555666/"), std::invalid_argument);
  EXPECT_TRUE(looks_like_uuid(kUuid));
}

TEST_F(InstanceFilesTest, CacheModeFollowsDirectIoSupport) {
  const std::string mode = files.disk_cache_mode();
  EXPECT_TRUE(mode == "none" || mode == "writethrough") << mode;
}

}  // namespace
}  // namespace neutrino::compute
