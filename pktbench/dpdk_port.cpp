#include "pktbench/dpdk_port.hpp"

#include <rte_bus_vdev.h>
#include <rte_errno.h>
#include <rte_ethdev.h>

#include <cstring>
#include <stdexcept>

#include "pktbench/netns_scope.hpp"

namespace neutrino::pktbench {
namespace {

constexpr std::uint16_t kRingSize = 1024;

std::string vdev_args(const PortSpec& spec) {
  if (spec.driver == "af_xdp")
    return "iface=" + spec.iface + ",start_queue=0,queue_count=1";
  // A larger ring than the default 512 frames, so the sink's short naps while idle lose
  // nothing; qdisc_bypass sends straight to the driver, as a guest's virtio queue would.
  return "iface=" + spec.iface + ",qpairs=1,blocksz=4096,framesz=2048,framecnt=4096," +
         "qdisc_bypass=1";
}

void check(int rc, const std::string& what) {
  if (rc < 0)
    throw std::runtime_error(what + ": " + rte_strerror(-rc));
}

}  // namespace

PortSpec parse_port_spec(const std::string& text, const std::string& driver) {
  PortSpec spec;
  spec.driver = driver;
  const auto at = text.find('@');
  spec.iface = text.substr(0, at);
  if (at != std::string::npos)
    spec.netns = text.substr(at + 1);
  if (spec.iface.empty() || spec.iface.size() >= 16) {
    throw std::invalid_argument("bad port '" + text + "': want IFACE or IFACE@NETNS");
  }
  if (driver != "af_packet" && driver != "af_xdp") {
    throw std::invalid_argument("unknown driver '" + driver + "': af_packet or af_xdp");
  }
  return spec;
}

DpdkPort::DpdkPort(const PortSpec& spec, const std::string& vdev_name, rte_mempool* pool)
    : spec_(spec), vdev_name_("net_" + spec.driver + "_" + vdev_name) {
  NetnsScope in_namespace(spec.netns);
  check(rte_vdev_init(vdev_name_.c_str(), vdev_args(spec).c_str()),
        "creating " + vdev_name_ + " on " + spec.iface);
  if (rte_eth_dev_get_port_by_name(vdev_name_.c_str(), &id_) != 0) {
    rte_vdev_uninit(vdev_name_.c_str());
    throw std::runtime_error("no ethdev for " + vdev_name_);
  }
  try {
    rte_eth_conf conf;
    std::memset(&conf, 0, sizeof conf);
    check(rte_eth_dev_configure(id_, 1, 1, &conf), "configuring " + spec.iface);
    check(rte_eth_rx_queue_setup(id_, 0, kRingSize, SOCKET_ID_ANY, nullptr, pool),
          "RX queue on " + spec.iface);
    check(rte_eth_tx_queue_setup(id_, 0, kRingSize, SOCKET_ID_ANY, nullptr),
          "TX queue on " + spec.iface);
    check(rte_eth_dev_start(id_), "starting " + spec.iface);
    rte_ether_addr mac;
    check(rte_eth_macaddr_get(id_, &mac), "MAC of " + spec.iface);
    std::memcpy(mac_.data(), mac.addr_bytes, 6);
  } catch (...) {
    rte_eth_dev_close(id_);
    rte_vdev_uninit(vdev_name_.c_str());
    throw;
  }
}

DpdkPort::~DpdkPort() {
  try {
    NetnsScope in_namespace(spec_.netns);
    rte_eth_dev_stop(id_);
    rte_eth_dev_close(id_);
    rte_vdev_uninit(vdev_name_.c_str());
  } catch (...) {
    // The namespace is gone (its owner removed it first): the sockets close with the process.
  }
}

}  // namespace neutrino::pktbench
