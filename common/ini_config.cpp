#include "common/ini_config.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace neutrino {
namespace {
std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) {
    return {};
  }
  const auto last = s.find_last_not_of(" \t\r");
  return std::string(s.substr(first, last - first + 1));
}
}  // namespace

IniConfig IniConfig::parse(std::string_view text, std::string_view origin) {
  IniConfig config;
  std::string section = "DEFAULT";
  std::istringstream in{std::string(text)};
  std::string raw;
  int line_no = 0;
  while (std::getline(in, raw)) {
    ++line_no;
    const std::string line = trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';') {
      continue;
    }
    if (line.front() == '[') {
      if (line.back() != ']' || line.size() < 3) {
        throw std::runtime_error(std::string(origin) + ":" + std::to_string(line_no) +
                                 ": malformed section header");
      }
      section = trim(std::string_view(line).substr(1, line.size() - 2));
      continue;
    }
    const auto eq = line.find('=');
    if (eq == std::string::npos) {
      throw std::runtime_error(std::string(origin) + ":" + std::to_string(line_no) +
                               ": expected 'key = value'");
    }
    const std::string key = trim(std::string_view(line).substr(0, eq));
    const std::string value = trim(std::string_view(line).substr(eq + 1));
    config.values_[section + "." + key] = value;
  }
  return config;
}

IniConfig IniConfig::load_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    throw std::runtime_error("cannot read config file " + path);
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse(buffer.str(), path);
}

std::optional<std::string> IniConfig::get(std::string_view key) const {
  auto it = values_.find(std::string(key));
  if (it == values_.end() && key.find('.') == std::string_view::npos) {
    it = values_.find("DEFAULT." + std::string(key));
  }
  if (it == values_.end()) {
    return std::nullopt;
  }
  return it->second;
}

}  // namespace neutrino
