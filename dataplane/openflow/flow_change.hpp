#pragma once
// One change to a flow table, in ovs-ofctl syntax, so a batch of them can be sent as a bundle.
#include <string>
#include <utility>

namespace neutrino::dataplane::openflow {

struct FlowChange {
  // The OpenFlow flow-mod commands. Adds and modifies take a full flow with actions; deletes
  // take a match ("table=0,in_port=1", "cookie=0x5/-1").
  enum class Kind { kAdd, kModify, kModifyStrict, kDelete, kDeleteStrict };

  Kind kind = Kind::kAdd;
  std::string flow;

  static FlowChange add(std::string flow) { return {Kind::kAdd, std::move(flow)}; }
  static FlowChange modify(std::string flow) { return {Kind::kModify, std::move(flow)}; }
  static FlowChange modify_strict(std::string flow) {
    return {Kind::kModifyStrict, std::move(flow)};
  }
  static FlowChange remove(std::string match) { return {Kind::kDelete, std::move(match)}; }
  static FlowChange remove_strict(std::string match) {
    return {Kind::kDeleteStrict, std::move(match)};
  }

  friend bool operator==(const FlowChange&, const FlowChange&) = default;
};

}  // namespace neutrino::dataplane::openflow
