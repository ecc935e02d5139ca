#include "agent/channel/controller_address.hpp"

#include <algorithm>
#include <sstream>

namespace neutrino::agent {

ControllerAddress parse_controller_address(const std::string& text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    throw std::invalid_argument("must be HOST:PORT, not '" + text + "'");
  }
  const std::string port_text = text.substr(colon + 1);
  const bool digits =
      !port_text.empty() && port_text.size() <= 5 &&
      std::all_of(port_text.begin(), port_text.end(), [](char c) { return c >= '0' && c <= '9'; });
  const int port = digits ? std::stoi(port_text) : 0;
  if (port < 1 || port > 65535) {
    throw std::invalid_argument("port must be 1-65535, not '" + text + "'");
  }
  return {text.substr(0, colon), static_cast<uint16_t>(port)};
}

std::vector<ControllerAddress> parse_controller_list(const std::string& text) {
  std::vector<ControllerAddress> list;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (item.empty()) {
      throw std::invalid_argument("has an empty entry in '" + text + "'");
    }
    ControllerAddress address = parse_controller_address(item);
    if (std::find(list.begin(), list.end(), address) != list.end()) {
      throw std::invalid_argument("lists " + item + " twice");
    }
    list.push_back(std::move(address));
  }
  if (!text.empty() && text.back() == ',') {
    throw std::invalid_argument("has an empty entry in '" + text + "'");
  }
  if (list.empty()) {
    throw std::invalid_argument("needs at least one HOST:PORT");
  }
  return list;
}

}  // namespace neutrino::agent
