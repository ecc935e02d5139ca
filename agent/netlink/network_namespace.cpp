#include "agent/netlink/network_namespace.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "agent/netlink/namespace_exec.hpp"
#include "common/log.hpp"

namespace neutrino::agent::netlink {
namespace {

[[noreturn]] void fail(int error, const std::string& what) {
  throw std::system_error(error, std::generic_category(), what);
}

void check_name(const std::string& name) {
  // The name becomes a path component under /run/netns: nothing that could leave it.
  if (name.empty() || name == "." || name == ".." || name.size() > 255 ||
      name.find('/') != std::string::npos || name.find('\0') != std::string::npos) {
    throw std::invalid_argument("invalid network namespace name '" + name + "'");
  }
}

bool is_namespace_file(const std::string& path) {
  struct statfs fs {};
  return ::statfs(path.c_str(), &fs) == 0 && fs.f_type == NSFS_MAGIC;
}

// What `ip netns add` does before creating the first name: /run/netns exists and is a shared
// mount point, so the bind mounts under it propagate to other mount namespaces and an unmount
// in one of them frees the namespace everywhere. Returns the directory, locked, because two
// agents (or test processes) doing this at once would stack two bind mounts and hide each
// other's names.
UniqueFd prepare_run_dir() {
  if (::mkdir(NetworkNamespace::kRunDir, 0755) != 0 && errno != EEXIST) {
    fail(errno, std::string("mkdir ") + NetworkNamespace::kRunDir);
  }
  UniqueFd dir(::open(NetworkNamespace::kRunDir, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir) {
    fail(errno, std::string("open ") + NetworkNamespace::kRunDir);
  }
  if (::flock(dir.get(), LOCK_EX) != 0) {
    fail(errno, std::string("lock ") + NetworkNamespace::kRunDir);
  }
  bool bound = false;
  while (::mount("", NetworkNamespace::kRunDir, "none", MS_SHARED | MS_REC, nullptr) != 0) {
    // EINVAL: not a mount point yet. Make it one by binding it onto itself, once.
    if (errno != EINVAL || bound) {
      fail(errno, std::string("mount --make-shared ") + NetworkNamespace::kRunDir);
    }
    if (::mount(NetworkNamespace::kRunDir, NetworkNamespace::kRunDir, "none", MS_BIND | MS_REC,
                nullptr) != 0) {
      fail(errno, std::string("mount --bind ") + NetworkNamespace::kRunDir);
    }
    bound = true;
  }
  return dir;
}

void remove_file(const std::string& path) {
  ::umount2(path.c_str(), MNT_DETACH);  // fails harmlessly when nothing is mounted
  ::unlink(path.c_str());
}

// unshare() on a thread of our own, so no thread of the caller changes namespace, then pin the
// new namespace by bind-mounting that thread's ns/net onto `path`. The thread ends afterwards;
// the mount keeps the namespace alive.
int create_and_bind(const std::string& path) {
  int error = 0;
  std::thread([&] {
    if (::unshare(CLONE_NEWNET) != 0) {
      error = errno;
      return;
    }
    const auto tid = static_cast<long>(::syscall(SYS_gettid));
    const std::string source = "/proc/self/task/" + std::to_string(tid) + "/ns/net";
    if (::mount(source.c_str(), path.c_str(), "none", MS_BIND, nullptr) != 0) {
      error = errno;
    }
  }).join();
  return error;
}

}  // namespace

std::string NetworkNamespace::path(const std::string& name) {
  check_name(name);
  return std::string(kRunDir) + "/" + name;
}

NetworkNamespace NetworkNamespace::create(const std::string& name) {
  const std::string file = path(name);
  const UniqueFd lock = prepare_run_dir();
  struct stat st {};
  if (::stat(file.c_str(), &st) == 0) {
    if (is_namespace_file(file)) {
      fail(EEXIST, "network namespace " + name);
    }
    // A plain file left by a creator that died between creating and mounting it. We hold the
    // lock, so no cooperating creator is in that window now.
    log::warning("netns: replacing stale ", file);
    remove_file(file);
  }
  UniqueFd created(::open(file.c_str(), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0));
  if (!created) {
    fail(errno, "create " + file);
  }
  created.reset();
  if (const int error = create_and_bind(file); error != 0) {
    remove_file(file);
    fail(error, "create network namespace " + name);
  }
  log::info("netns: created ", name);
  return open(name);
}

NetworkNamespace NetworkNamespace::open(const std::string& name) {
  return NetworkNamespace(name, open_namespace_fd(name));
}

bool NetworkNamespace::remove(const std::string& name) {
  const std::string file = path(name);
  ::umount2(file.c_str(), MNT_DETACH);
  if (::unlink(file.c_str()) != 0) {
    if (errno == ENOENT) {
      return false;
    }
    fail(errno, "remove network namespace " + name);
  }
  log::info("netns: removed ", name);
  return true;
}

bool NetworkNamespace::exists(const std::string& name) {
  return is_namespace_file(path(name));
}

std::vector<std::string> NetworkNamespace::list() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(kRunDir, ec)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace neutrino::agent::netlink
