#include <gtest/gtest.h>

#include "controller/image/disk_format_inspector.hpp"
#include "tests/unit/controller/image/image_test_support.hpp"

namespace neutrino::image {
namespace {

TEST(DiskFormatInspector, RecognisesQcow2AndItsVirtualSize) {
  const auto result = inspect_disk(testing::qcow2_image(1ULL << 30));
  EXPECT_EQ(result.format, "qcow2");
  EXPECT_EQ(result.virtual_size, 1ULL << 30);
  EXPECT_FALSE(result.unsafe);
}

TEST(DiskFormatInspector, AnythingElseIsRaw) {
  EXPECT_EQ(inspect_disk(std::string(512, 'x')).format, "raw");
  EXPECT_EQ(inspect_disk("").format, "raw");
  EXPECT_EQ(inspect_disk(std::string("QFI\xfb", 4)).format, "raw");  // too short to be qcow2
  std::string bad_version = testing::qcow2_image(1024);
  bad_version[7] = 9;
  EXPECT_EQ(inspect_disk(bad_version).format, "raw");
}

TEST(DiskFormatInspector, RefusesBackingFilesAndExternalData) {
  EXPECT_TRUE(inspect_disk(testing::qcow2_image(1024, 1024, 512)).unsafe);
  EXPECT_TRUE(inspect_disk(testing::qcow2_image(1024, 1024, 0, 0x4)).unsafe);
  EXPECT_FALSE(inspect_disk(testing::qcow2_image(1024, 1024, 0, 0x1)).unsafe);
}

}  // namespace
}  // namespace neutrino::image
