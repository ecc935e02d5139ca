#include "common/fd_limit.hpp"

#include <sys/resource.h>

namespace neutrino {

FdLimit raise_fd_limit() {
  FdLimit result;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return result;
  }
  result.before = result.now = limit.rlim_cur;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) {
      result.now = raised.rlim_cur;
    }
  }
  return result;
}

}  // namespace neutrino
