#include "dataplane/pipeline/flow_text.hpp"

#include "dataplane/pipeline/address.hpp"

namespace neutrino::dataplane::pipeline {

FlowText::FlowText(std::uint64_t cookie, std::uint8_t table, std::uint16_t priority)
    : cookie_(cookie), table_(table), priority_(priority) {}

FlowText& FlowText::match(std::string_view field) {
  match_.emplace_back(field);
  return *this;
}

FlowText& FlowText::action(std::string_view action) {
  actions_.emplace_back(action);
  return *this;
}

std::string FlowText::key() const {
  std::string out = "cookie=" + hex(cookie_) + ",table=" + std::to_string(table_) +
                    ",priority=" + std::to_string(priority_);
  for (const auto& field : match_) {
    out += "," + field;
  }
  return out;
}

std::string FlowText::str() const {
  std::string out = key() + ",actions=";
  if (actions_.empty()) {
    return out + "drop";
  }
  for (std::size_t i = 0; i < actions_.size(); ++i) {
    out += (i ? "," : "") + actions_[i];
  }
  return out;
}

std::string set_register(const char* reg, unsigned value) {
  return "set_field:" + std::to_string(value) + "->" + reg;
}

std::string vlan_vid(std::uint32_t vid) {
  return "set_field:" + std::to_string(0x1000 | vid) + "->vlan_vid";
}

}  // namespace neutrino::dataplane::pipeline
