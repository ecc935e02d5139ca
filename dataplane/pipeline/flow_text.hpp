#pragma once
// Builds one flow in ovs-ofctl syntax: "cookie=0x..,table=..,priority=..,<match>,actions=..".
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace neutrino::dataplane::pipeline {

class FlowText {
 public:
  FlowText(std::uint64_t cookie, std::uint8_t table, std::uint16_t priority);

  // One match field ("in_port=3", "arp"), in the order given.
  FlowText& match(std::string_view field);
  // One action ("output:3"); a flow without actions drops.
  FlowText& action(std::string_view action);

  // "cookie=..,table=..,priority=..,<match>": what identifies the flow in a table.
  std::string key() const;
  std::string str() const;

 private:
  std::uint64_t cookie_;
  std::uint8_t table_;
  std::uint16_t priority_;
  std::vector<std::string> match_;
  std::vector<std::string> actions_;
};

// The 802.1Q VID as OpenFlow 1.3's vlan_vid field holds it (OFPVID_PRESENT | vid).
std::string vlan_vid(std::uint32_t vid);
// The action loading `value` into register `reg` ("set_field:5->reg6").
std::string set_register(const char* reg, unsigned value);

}  // namespace neutrino::dataplane::pipeline
