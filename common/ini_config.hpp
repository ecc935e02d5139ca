#pragma once
// Reads oslo.config-style INI files ("[section]" then "key = value"), the format Neutron
// operators already write. Keys are looked up as "section.key"; [DEFAULT] keys also answer to
// the bare key.
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace neutrino {

class IniConfig {
 public:
  // Throws std::runtime_error naming the file and line on a syntax error.
  static IniConfig parse(std::string_view text, std::string_view origin = "<string>");
  static IniConfig load_file(const std::string& path);

  std::optional<std::string> get(std::string_view key) const;
  const std::map<std::string, std::string>& values() const { return values_; }

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace neutrino
