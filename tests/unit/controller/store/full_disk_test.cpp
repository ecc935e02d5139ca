// The store on a full (or failing) disk: writes fail as StoreUnavailable with nothing written,
// reads go on, the file stays intact, and writes resume once space is back, without reopening.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "common/random.hpp"
#include "controller/store/sqlite_database.hpp"
#include "tests/unit/controller/store/full_disk_vfs.hpp"

namespace neutrino::store {
namespace {

using testing::FullDiskVfs;

class FullDiskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("neutrino-full-disk-" + random::uuid4());
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "neutrino.db").string();
    vfs_.set_mode(FullDiskVfs::Mode::kHealthy);
    db_ = open();
  }
  void TearDown() override {
    vfs_.set_mode(FullDiskVfs::Mode::kHealthy);
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<SqliteDatabase> open() {
    SqliteOptions options;
    options.vfs = FullDiskVfs::kName;
    options.synchronous = "normal";
    return std::make_unique<SqliteDatabase>(path_, options);
  }
  static int64_t count_tags(Database& db) {
    return db.read(
        [](SqlSession& s) { return s.query("SELECT COUNT(*) FROM tags")[0].integer(0); });
  }
  static std::string integrity(Database& db) {
    return db.read([](SqlSession& s) { return s.query("PRAGMA integrity_check")[0].text(0); });
  }
  // Rows large enough that `count` of them need pages the files do not have yet.
  static void add_tags(SqlSession& s, const std::string& prefix, int count) {
    for (int i = 0; i < count; ++i) {
      s.execute("INSERT INTO tags (resource_type, resource_id, tag) VALUES ('networks', ?, ?)",
                {prefix + std::to_string(i), std::string(200, 'x') + std::to_string(i)});
    }
  }

  FullDiskVfs& vfs_ = FullDiskVfs::instance();
  std::filesystem::path dir_;
  std::string path_;
  std::unique_ptr<SqliteDatabase> db_;
};

TEST_F(FullDiskTest, WritesFailUnavailableReadsGoOnAndWritesResumeWhenSpaceIsBack) {
  db_->write([](SqlSession& s) { add_tags(s, "before-", 10); });
  vfs_.set_mode(FullDiskVfs::Mode::kFull);
  const int refused_before = vfs_.refused_writes();
  for (int attempt = 0; attempt < 3; ++attempt) {
    try {
      db_->write([](SqlSession& s) { add_tags(s, "full-", 2000); });
      FAIL() << "a write on a full disk succeeded";
    } catch (const StoreUnavailable& e) {
      EXPECT_TRUE(e.disk_full()) << e.what();
      EXPECT_NE(std::string(e.what()).find("full"), std::string::npos) << e.what();
    }
  }
  EXPECT_GT(vfs_.refused_writes(), refused_before);
  EXPECT_EQ(count_tags(*db_), 10);
  EXPECT_EQ(integrity(*db_), "ok");

  vfs_.set_mode(FullDiskVfs::Mode::kHealthy);
  db_->write([](SqlSession& s) { add_tags(s, "after-", 2000); });
  EXPECT_EQ(count_tags(*db_), 2010);
  EXPECT_EQ(integrity(*db_), "ok");
  // And the WAL is sound for the next process.
  db_.reset();
  auto reopened = open();
  EXPECT_EQ(count_tags(*reopened), 2010);
  EXPECT_EQ(integrity(*reopened), "ok");
}

TEST_F(FullDiskTest, DiskFillingUpMidTransactionRollsBackAllOfIt) {
  db_->write([](SqlSession& s) { add_tags(s, "before-", 10); });
  // Megabytes in one transaction: SQLite spills its page cache into the WAL before COMMIT,
  // so the failure comes from a statement inside the body, after half the rows went in.
  bool failed_in_body = false;
  EXPECT_THROW(db_->write([&](SqlSession& s) {
    add_tags(s, "first-half-", 20000);
    vfs_.set_mode(FullDiskVfs::Mode::kFull);
    try {
      add_tags(s, "second-half-", 20000);
    } catch (const StoreUnavailable&) {
      failed_in_body = true;  // SQLite may have rolled back by itself already
      throw;
    }
  }),
               StoreUnavailable);
  EXPECT_TRUE(failed_in_body);
  EXPECT_EQ(count_tags(*db_), 10);
  EXPECT_EQ(integrity(*db_), "ok");
  vfs_.set_mode(FullDiskVfs::Mode::kHealthy);
  db_->write([](SqlSession& s) { add_tags(s, "after-", 5); });
  EXPECT_EQ(count_tags(*db_), 15);
}

TEST_F(FullDiskTest, IoErrorsAreUnavailableButNotFull) {
  vfs_.set_mode(FullDiskVfs::Mode::kIoError);
  try {
    db_->write([](SqlSession& s) { add_tags(s, "io-", 2000); });
    FAIL() << "a write through failing I/O succeeded";
  } catch (const StoreUnavailable& e) {
    EXPECT_FALSE(e.disk_full()) << e.what();
  }
  EXPECT_EQ(count_tags(*db_), 0);
  vfs_.set_mode(FullDiskVfs::Mode::kHealthy);
  db_->write([](SqlSession& s) { add_tags(s, "ok-", 1); });
  EXPECT_EQ(count_tags(*db_), 1);
  EXPECT_EQ(integrity(*db_), "ok");
}

}  // namespace
}  // namespace neutrino::store
