#pragma once
// The generator and the sink on two DPDK ports, in one thread: it sends bursts from the TX
// port (at a paced rate, or as fast as the driver takes them) and polls the RX port between
// bursts, so both ends read one clock (the TSC) and the benchmark leaves the second core to the
// datapath under test.

#include <cstdint>
#include <vector>

#include "pktbench/dpdk_port.hpp"
#include "pktbench/frame_sizes.hpp"
#include "pktbench/trial.hpp"

struct rte_mbuf;

namespace neutrino::pktbench {

struct LinkConfig {
  FlowAddresses flow;  // MACs default to the ports' own
  FrameSizes sizes = FrameSizes::fixed(64);
  double duration_s = 2.0;
  double drain_s = 0.3;     // how long the sink waits for stragglers after the last send
  std::uint64_t count = 0;  // 0: send for duration_s; else stop after this many frames
};

// Set from a SIGINT/SIGTERM handler: the running trial ends at once (the next ones send
// nothing), so the program unwinds and closes its ports instead of dying mid-trial.
void request_stop();
bool stop_requested();

class DpdkLink : public Link {
 public:
  DpdkLink(DpdkPort& tx, DpdkPort& rx, rte_mempool* pool, LinkConfig config);

  void set_sizes(const FrameSizes& sizes);
  // Frames from the RX port to the TX port and a short slow trial, so MAC-learning bridges
  // know both ends and the datapath's caches hold the flow before anything is measured.
  void warm_up();
  TrialResult run_trial(double offered_pps) override;

 private:
  std::uint64_t now_ns() const;
  bool send_burst(std::uint64_t& sequence, unsigned burst, TrialResult& result);
  void receive(ReceiveStats& stats);
  void send_learning_frames();

  DpdkPort& tx_;
  DpdkPort& rx_;
  rte_mempool* pool_;
  LinkConfig config_;
  std::vector<std::vector<std::uint8_t>> templates_;  // indexed by frame size
  double ns_per_tick_ = 1;
};

}  // namespace neutrino::pktbench
