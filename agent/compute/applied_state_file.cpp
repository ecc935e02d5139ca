#include "agent/compute/applied_state_file.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/json.hpp"
#include "common/log.hpp"

namespace neutrino::agent {

std::map<std::string, AppliedState> AppliedStateFile::load() const {
  std::map<std::string, AppliedState> out;
  std::ifstream in(path_);
  if (!in) {
    return out;
  }
  std::stringstream text;
  text << in.rdbuf();
  const Json json = Json::parse(text.str(), nullptr, false);
  if (!json.is_object()) {
    log::warning(path_, " is not a JSON object; adopting instances as they are");
    return out;
  }
  for (const auto& [id, item] : json.items()) {
    if (item.is_object()) {
      out[id] = AppliedState{item.value("start_count", int64_t{0}),
                             item.value("reboot_count", int64_t{0})};
    }
  }
  return out;
}

void AppliedStateFile::save(const std::map<std::string, AppliedState>& states) const {
  Json json = Json::object();
  for (const auto& [id, state] : states) {
    json[id] = {{"start_count", state.start_count}, {"reboot_count", state.reboot_count}};
  }
  const std::string tmp = path_ + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << json.dump(1) << "\n";
    if (!out.flush()) {
      log::warning("cannot write ", tmp);
      return;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path_, ec);
  if (ec) {
    log::warning("cannot rename ", tmp, ": ", ec.message());
  }
}

}  // namespace neutrino::agent
