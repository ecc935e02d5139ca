#include "compute/images/image_cache.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>

#include "compute/images/qemu_img.hpp"
#include "compute/process/run_command.hpp"
#include "tests/unit/compute/fake_image_source.hpp"
#include "tests/unit/compute/temp_dir.hpp"

namespace neutrino::compute {
namespace {

namespace fs = std::filesystem;
using testing::FakeImageSource;
using testing::meta_for;
using testing::TempDir;

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string pattern(size_t size) {
  std::string bytes(size, '\0');
  for (size_t i = 0; i < size; ++i) {
    bytes[i] = static_cast<char>((i * 7 + i / 4096) & 0xff);
  }
  return bytes;
}

class ImageCacheTest : public ::testing::Test {
 protected:
  TempDir dir;
  FakeImageSource source;
  ImageCache cache{dir.path(), source};
};

TEST_F(ImageCacheTest, RawImageLandsUnderItsSha1) {
  const std::string bytes = pattern(1 << 20);
  source.add("img-1", bytes);
  const std::string path = cache.ensure(meta_for("img-1", bytes));
  // sha1("img-1")
  EXPECT_EQ(path, dir.path() + "/_base/" + ImageCache::cache_name("img-1"));
  EXPECT_EQ(ImageCache::cache_name("img-1").size(), 40u);
  EXPECT_EQ(read(path), bytes);
  EXPECT_EQ(cache.ensure(meta_for("img-1", bytes)), path);
  EXPECT_EQ(source.fetches(), 1);
}

TEST_F(ImageCacheTest, Qcow2IsConvertedToRaw) {
  const std::string raw = pattern(2 << 20);
  const std::string raw_path = dir.path() + "/src.raw";
  std::ofstream(raw_path, std::ios::binary) << raw;
  const std::string qcow2_path = dir.path() + "/src.qcow2";
  check_output({"qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw_path, qcow2_path});
  const std::string qcow2 = read(qcow2_path);
  source.add("img-q", qcow2);
  const std::string path = cache.ensure(meta_for("img-q", qcow2, "qcow2"));
  EXPECT_EQ(qemu_img_info(path, "raw").virtual_size, static_cast<int64_t>(raw.size()));
  EXPECT_EQ(read(path), raw);
}

TEST_F(ImageCacheTest, RefusesAQcow2WithABackingFile) {
  const std::string overlay = dir.path() + "/evil.qcow2";
  check_output(
      {"qemu-img", "create", "-f", "qcow2", "-F", "raw", "-b", "/etc/passwd", overlay, "1M"});
  const std::string bytes = read(overlay);
  source.add("evil", bytes);
  EXPECT_THROW(cache.ensure(meta_for("evil", bytes, "qcow2")), ImageError);
  EXPECT_FALSE(fs::exists(cache.path_of("evil")));
}

TEST_F(ImageCacheTest, ChecksumMismatchLeavesNothing) {
  const std::string bytes = pattern(100000);
  source.add("img-2", bytes);
  ImageMeta meta = meta_for("img-2", bytes);
  meta.os_hash_value = meta_for("x", "other").os_hash_value;
  try {
    cache.ensure(meta);
    FAIL() << "no error";
  } catch (const ImageError& e) {
    EXPECT_NE(std::string(e.what()).find("failed checksum verification"), std::string::npos);
  }
  EXPECT_TRUE(fs::is_empty(cache.base_dir()));
}

TEST_F(ImageCacheTest, SizeMismatchIsRefused) {
  const std::string bytes = pattern(5000);
  source.add("img-3", bytes);
  ImageMeta longer = meta_for("img-3", bytes);
  longer.size += 1;
  EXPECT_THROW(cache.ensure(longer), ImageError);
  ImageMeta shorter = meta_for("img-3", bytes);
  shorter.size -= 1;
  EXPECT_THROW(cache.ensure(shorter), ImageError);
  EXPECT_TRUE(fs::is_empty(cache.base_dir()));
}

TEST_F(ImageCacheTest, UnsupportedFormatsAreRefused) {
  source.add("img-4", "x");
  ImageMeta meta = meta_for("img-4", "x", "vmdk");
  EXPECT_THROW(cache.ensure(meta), ImageError);
  meta.disk_format = "raw";
  meta.container_format = "ova";
  EXPECT_THROW(cache.ensure(meta), ImageError);
  EXPECT_EQ(source.fetches(), 0);
}

TEST_F(ImageCacheTest, ConcurrentRequestsDownloadOnce) {
  const std::string bytes = pattern(300000);
  source.add("img-5", bytes);
  source.hold();
  std::vector<std::future<std::string>> waiting;
  for (int i = 0; i < 4; ++i) {
    waiting.push_back(
        std::async(std::launch::async, [&] { return cache.ensure(meta_for("img-5", bytes)); }));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  source.release();
  for (auto& f : waiting) {
    EXPECT_EQ(f.get(), cache.path_of("img-5"));
  }
  EXPECT_EQ(source.fetches(), 1);
}

TEST_F(ImageCacheTest, ConcurrentRequestsShareAFailure) {
  source.hold();
  auto first = std::async(std::launch::async, [&] { return cache.ensure(meta_for("nope", "x")); });
  auto second = std::async(std::launch::async, [&] { return cache.ensure(meta_for("nope", "x")); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  source.release();
  EXPECT_THROW(first.get(), ImageError);
  EXPECT_THROW(second.get(), ImageError);
}

TEST_F(ImageCacheTest, RemovesImagesNoInstanceUses) {
  source.add("a", "aaaa");
  source.add("b", "bbbb");
  cache.ensure(meta_for("a", "aaaa"));
  cache.ensure(meta_for("b", "bbbb"));
  std::ofstream(cache.path_of("a") + ".part-dead") << "left by a crash";
  std::ofstream(cache.base_dir() + "/README") << "not ours";
  const auto removed = cache.remove_unused({"a"});
  EXPECT_EQ(removed.size(), 2u);
  EXPECT_TRUE(fs::exists(cache.path_of("a")));
  EXPECT_FALSE(fs::exists(cache.path_of("b")));
  EXPECT_FALSE(fs::exists(cache.path_of("a") + ".part-dead"));
  EXPECT_TRUE(fs::exists(cache.base_dir() + "/README"));
}

}  // namespace
}  // namespace neutrino::compute
