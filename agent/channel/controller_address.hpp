#pragma once
// Where a controller's agent channel listens, and the `--controller` list syntax: HOST:PORT
// entries separated by commas ("a:9697,b:9697"), in the order the operator gave them.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace neutrino::agent {

struct ControllerAddress {
  std::string host;  // an address or a name to resolve
  uint16_t port = 9697;

  std::string to_string() const { return host + ":" + std::to_string(port); }
  bool operator==(const ControllerAddress&) const = default;
};

// One HOST:PORT. Throws std::invalid_argument saying what is wrong, worded to follow the
// name of the flag or setting ("--controller must be HOST:PORT, not ...").
ControllerAddress parse_controller_address(const std::string& text);
// "a:9697,b:9697": at least one entry, none empty, no duplicates. Throws std::invalid_argument.
std::vector<ControllerAddress> parse_controller_list(const std::string& text);

}  // namespace neutrino::agent
