#include "agent/netlink/namespace_exec.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/statfs.h>

#include <cerrno>
#include <system_error>

#include "agent/netlink/network_namespace.hpp"

namespace neutrino::agent::netlink {

UniqueFd open_namespace_fd(const std::string& ns) {
  const std::string file = NetworkNamespace::path(ns);
  UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    throw std::system_error(errno, std::generic_category(), "open network namespace " + ns);
  }
  // A plain file under /run/netns (a creator died half-way) is not a namespace; setns() on it
  // would fail later with a less helpful EINVAL.
  struct statfs fs {};
  if (::fstatfs(fd.get(), &fs) != 0 || fs.f_type != NSFS_MAGIC) {
    throw std::system_error(ENOENT, std::generic_category(),
                            "open network namespace " + ns + " (not mounted)");
  }
  return fd;
}

UniqueFd current_namespace_fd() {
  UniqueFd fd(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
  if (!fd) {
    throw std::system_error(errno, std::generic_category(), "open /proc/thread-self/ns/net");
  }
  return fd;
}

void enter_namespace(int ns_fd) {
  if (::setns(ns_fd, CLONE_NEWNET) != 0) {
    throw std::system_error(errno, std::generic_category(), "setns");
  }
}

int open_socket_in(const std::string& ns, int domain, int type, int protocol) {
  return run_in(ns, [&] {
    const int fd = ::socket(domain, type | SOCK_CLOEXEC, protocol);
    if (fd < 0) {
      throw std::system_error(errno, std::generic_category(), "socket in netns " + ns);
    }
    return fd;
  });
}

}  // namespace neutrino::agent::netlink
