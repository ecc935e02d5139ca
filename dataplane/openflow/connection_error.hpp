#pragma once
// The connection to the switch failed, closed or timed out: the request's outcome is unknown,
// and the caller should reconnect and resynchronise rather than retry blindly.
#include <stdexcept>
#include <string>

namespace neutrino::dataplane::openflow {

class ConnectionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace neutrino::dataplane::openflow
