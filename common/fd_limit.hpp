#pragma once
// The process's limit on open file descriptors. A daemon holding one socket per client
// connection must not be capped by the default soft limit (often 1024) when the hard limit
// allows far more.
#include <cstdint>

namespace neutrino {

struct FdLimit {
  uint64_t before = 0;  // soft limit found
  uint64_t now = 0;     // soft limit after raising it
};

// Raises the soft RLIMIT_NOFILE to the hard limit; never lowers it. Does not throw: when the
// limit cannot be read or set, `now` is what applies.
FdLimit raise_fd_limit();

}  // namespace neutrino
