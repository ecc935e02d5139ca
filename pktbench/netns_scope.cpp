#include "pktbench/netns_scope.hpp"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <system_error>

namespace neutrino::pktbench {

std::string netns_path(const std::string& netns) {
  if (netns.empty() || netns.front() == '/')
    return netns;
  return "/run/netns/" + netns;
}

NetnsScope::NetnsScope(const std::string& netns) {
  if (netns.empty())
    return;
  const std::string path = netns_path(netns);
  original_ = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (original_ < 0)
    throw std::system_error(errno, std::generic_category(), "own netns");
  const int target = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (target < 0) {
    const int err = errno;
    ::close(original_);
    throw std::system_error(err, std::generic_category(), "network namespace " + path);
  }
  const int rc = ::setns(target, CLONE_NEWNET);
  const int err = errno;
  ::close(target);
  if (rc != 0) {
    ::close(original_);
    throw std::system_error(err, std::generic_category(), "setns " + path);
  }
}

NetnsScope::~NetnsScope() {
  if (original_ < 0)
    return;
  // Failing to return would leave every later socket in the guest's namespace.
  if (::setns(original_, CLONE_NEWNET) != 0)
    std::abort();
  ::close(original_);
}

}  // namespace neutrino::pktbench
