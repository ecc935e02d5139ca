#pragma once
// Test helper: an SQLite VFS over the default one that can behave like a disk with no space
// left, as a unit test cannot fill a real file system. While "full", a write that would grow a
// file fails with SQLITE_FULL (or SQLITE_IOERR_WRITE in the I/O error mode), which is what the
// unix VFS reports for ENOSPC and EIO; overwriting space a file already has still works, as it
// does on a real full disk (SQLite reuses its WAL from the start after a checkpoint).
#include <atomic>

namespace neutrino::store::testing {

class FullDiskVfs {
 public:
  enum class Mode { kHealthy, kFull, kIoError };
  static constexpr const char* kName = "neutrino-full-disk";

  // Registers the VFS (once per process) and returns it, healthy.
  static FullDiskVfs& instance();

  void set_mode(Mode mode) { mode_ = mode; }
  Mode mode() const { return mode_; }
  // Writes refused since the process started.
  int refused_writes() const { return refused_; }
  void count_refusal() { ++refused_; }

 private:
  FullDiskVfs();
  std::atomic<Mode> mode_{Mode::kHealthy};
  std::atomic<int> refused_{0};
};

}  // namespace neutrino::store::testing
