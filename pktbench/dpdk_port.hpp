#pragma once
// One ethdev on a Linux interface through a vdev (net_af_packet or net_af_xdp), created,
// configured and started inside the interface's network namespace, closed and removed in it.

#include <cstdint>
#include <string>

#include "pktbench/frame.hpp"

struct rte_mempool;

namespace neutrino::pktbench {

struct PortSpec {
  std::string iface;
  std::string netns;                 // "" : this process's namespace
  std::string driver = "af_packet";  // or "af_xdp"
};

// "eth0@guest1" or "eth0"; throws std::invalid_argument on an empty interface name.
PortSpec parse_port_spec(const std::string& text, const std::string& driver);

class DpdkPort {
 public:
  DpdkPort(const PortSpec& spec, const std::string& vdev_name, rte_mempool* pool);
  ~DpdkPort();
  DpdkPort(const DpdkPort&) = delete;
  DpdkPort& operator=(const DpdkPort&) = delete;

  std::uint16_t id() const { return id_; }
  const MacAddress& mac() const { return mac_; }
  const PortSpec& spec() const { return spec_; }

 private:
  PortSpec spec_;
  std::string vdev_name_;
  std::uint16_t id_ = 0;
  MacAddress mac_{};
};

}  // namespace neutrino::pktbench
