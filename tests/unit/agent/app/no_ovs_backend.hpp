#pragma once
// An OvsBackend for reconcilers whose parts need no Open vSwitch (uses_ovs() false): it never
// connects, and any other call is a mistake of the test.
#include <stdexcept>

#include "agent/app/ovs_backend.hpp"

namespace neutrino::agent::testing {

class NoOvsBackend : public OvsBackend {
 public:
  bool connect() override { return false; }
  bool ensure_bridge(const std::string&, const ovs::BridgeSpec&) override { fail(); }
  bool ensure_port(const std::string&, const ovs::PortSpec&) override { fail(); }
  bool delete_port(const std::string&, const std::string&) override { fail(); }
  std::vector<ovs::PortInfo> list_ports(const std::string&) override { fail(); }
  void wait_applied() override { fail(); }
  std::vector<std::string> dump_flows(const std::string&, std::uint64_t) override { fail(); }
  void apply_bundle(const std::string&,
                    const std::vector<dataplane::openflow::FlowChange>&) override {
    fail();
  }
  void delete_flows(const std::string&, const std::string&) override { fail(); }
  void flush_conntrack_zone(const std::string&, std::uint16_t) override { fail(); }
  void packet_out(const std::string&, const std::string&) override { fail(); }
  void flush_conntrack(const std::string&, std::uint16_t, const std::string&) override { fail(); }

 private:
  [[noreturn]] static void fail() { throw std::logic_error("no Open vSwitch in this test"); }
};

}  // namespace neutrino::agent::testing
