#include "common/time_source.hpp"

#include "common/clock.hpp"

namespace neutrino {

int64_t SystemTimeSource::now_unix_seconds() const {
  return clock::now_unix_seconds();
}

const SystemTimeSource& SystemTimeSource::instance() {
  static const SystemTimeSource clock;
  return clock;
}

}  // namespace neutrino
