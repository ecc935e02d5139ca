#include "tests/unit/controller/store/full_disk_vfs.hpp"

#include <sqlite3.h>

#include <stdexcept>

namespace neutrino::store::testing {
namespace {

// Our file handle; the default VFS's own handle lives in the bytes right after it.
struct ShimFile {
  sqlite3_file base;
  sqlite3_file* real;
};

sqlite3_vfs* g_default = nullptr;
sqlite3_vfs g_shim{};
sqlite3_io_methods g_methods{};

sqlite3_file* real(sqlite3_file* file) {
  return reinterpret_cast<ShimFile*>(file)->real;
}

int shim_write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
  FullDiskVfs& vfs = FullDiskVfs::instance();
  const auto mode = vfs.mode();
  if (mode != FullDiskVfs::Mode::kHealthy) {
    sqlite3_int64 size = 0;
    real(file)->pMethods->xFileSize(real(file), &size);
    if (offset + amount > size) {
      vfs.count_refusal();
      return mode == FullDiskVfs::Mode::kFull ? SQLITE_FULL : SQLITE_IOERR_WRITE;
    }
  }
  return real(file)->pMethods->xWrite(real(file), data, amount, offset);
}

void fill_methods(int version) {
  g_methods.iVersion = version;
  g_methods.xClose = [](sqlite3_file* f) { return real(f)->pMethods->xClose(real(f)); };
  g_methods.xRead = [](sqlite3_file* f, void* data, int amount, sqlite3_int64 offset) {
    return real(f)->pMethods->xRead(real(f), data, amount, offset);
  };
  g_methods.xWrite = shim_write;
  g_methods.xTruncate = [](sqlite3_file* f, sqlite3_int64 size) {
    return real(f)->pMethods->xTruncate(real(f), size);
  };
  g_methods.xSync = [](sqlite3_file* f, int flags) {
    return real(f)->pMethods->xSync(real(f), flags);
  };
  g_methods.xFileSize = [](sqlite3_file* f, sqlite3_int64* size) {
    return real(f)->pMethods->xFileSize(real(f), size);
  };
  g_methods.xLock = [](sqlite3_file* f, int lock) {
    return real(f)->pMethods->xLock(real(f), lock);
  };
  g_methods.xUnlock = [](sqlite3_file* f, int lock) {
    return real(f)->pMethods->xUnlock(real(f), lock);
  };
  g_methods.xCheckReservedLock = [](sqlite3_file* f, int* out) {
    return real(f)->pMethods->xCheckReservedLock(real(f), out);
  };
  g_methods.xFileControl = [](sqlite3_file* f, int op, void* arg) {
    return real(f)->pMethods->xFileControl(real(f), op, arg);
  };
  g_methods.xSectorSize = [](sqlite3_file* f) { return real(f)->pMethods->xSectorSize(real(f)); };
  g_methods.xDeviceCharacteristics = [](sqlite3_file* f) {
    return real(f)->pMethods->xDeviceCharacteristics(real(f));
  };
  g_methods.xShmMap = [](sqlite3_file* f, int page, int size, int extend, void volatile** out) {
    return real(f)->pMethods->xShmMap(real(f), page, size, extend, out);
  };
  g_methods.xShmLock = [](sqlite3_file* f, int offset, int n, int flags) {
    return real(f)->pMethods->xShmLock(real(f), offset, n, flags);
  };
  g_methods.xShmBarrier = [](sqlite3_file* f) { real(f)->pMethods->xShmBarrier(real(f)); };
  g_methods.xShmUnmap = [](sqlite3_file* f, int remove) {
    return real(f)->pMethods->xShmUnmap(real(f), remove);
  };
  g_methods.xFetch = [](sqlite3_file* f, sqlite3_int64 offset, int amount, void** out) {
    return real(f)->pMethods->xFetch(real(f), offset, amount, out);
  };
  g_methods.xUnfetch = [](sqlite3_file* f, sqlite3_int64 offset, void* page) {
    return real(f)->pMethods->xUnfetch(real(f), offset, page);
  };
}

int shim_open(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  auto* shim = reinterpret_cast<ShimFile*>(file);
  shim->real = reinterpret_cast<sqlite3_file*>(shim + 1);
  const int rc = g_default->xOpen(g_default, name, shim->real, flags, out_flags);
  if (rc != SQLITE_OK || shim->real->pMethods == nullptr) {
    file->pMethods = nullptr;
    return rc;
  }
  if (g_methods.iVersion == 0) {
    fill_methods(shim->real->pMethods->iVersion);
  }
  file->pMethods = &g_methods;
  return rc;
}

}  // namespace

FullDiskVfs::FullDiskVfs() {
  g_default = sqlite3_vfs_find(nullptr);
  if (g_default == nullptr) {
    throw std::runtime_error("no default SQLite VFS");
  }
  // Everything but opening files goes straight to the default VFS, which ignores which
  // sqlite3_vfs it is called through apart from the fields copied here.
  g_shim = *g_default;
  g_shim.zName = kName;
  g_shim.pNext = nullptr;
  g_shim.szOsFile = static_cast<int>(sizeof(ShimFile)) + g_default->szOsFile;
  g_shim.xOpen = shim_open;
  if (sqlite3_vfs_register(&g_shim, 0) != SQLITE_OK) {
    throw std::runtime_error("cannot register the full-disk VFS");
  }
}

FullDiskVfs& FullDiskVfs::instance() {
  static FullDiskVfs vfs;
  return vfs;
}

}  // namespace neutrino::store::testing
