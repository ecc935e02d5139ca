#include "pktbench/dpdk_link.hpp"

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <stdexcept>

namespace neutrino::pktbench {
namespace {

constexpr unsigned kMaxBurst = 32;

std::atomic<bool> stopping{false};

void nap_us(long us) {
  timespec ts{0, us * 1000};
  nanosleep(&ts, nullptr);
}

// Paced runs send a burst about every 200 us rather than 32 frames at once, and not one
// frame per system call either (AF_PACKET costs a sendto() per burst).
unsigned burst_for(double pps) {
  if (pps <= 0)
    return kMaxBurst;
  return static_cast<unsigned>(std::clamp(pps * 200e-6, 1.0, static_cast<double>(kMaxBurst)));
}

}  // namespace

void request_stop() {
  stopping.store(true, std::memory_order_relaxed);
}
bool stop_requested() {
  return stopping.load(std::memory_order_relaxed);
}

DpdkLink::DpdkLink(DpdkPort& tx, DpdkPort& rx, rte_mempool* pool, LinkConfig config)
    : tx_(tx), rx_(rx), pool_(pool), config_(std::move(config)) {
  const MacAddress zero{};
  if (config_.flow.src_mac == zero)
    config_.flow.src_mac = tx_.mac();
  if (config_.flow.dst_mac == zero)
    config_.flow.dst_mac = rx_.mac();
  ns_per_tick_ = 1e9 / static_cast<double>(rte_get_tsc_hz());
  set_sizes(config_.sizes);
}

void DpdkLink::set_sizes(const FrameSizes& sizes) {
  config_.sizes = sizes;
  templates_.assign(kMaxFrameSize + 1, {});
  for (std::uint64_t i = 0; i < 64; ++i) {
    const std::size_t size = sizes.size_of(i);
    if (!templates_[size].empty())
      continue;
    templates_[size].resize(buffer_bytes(size));
    build_frame(config_.flow, size, templates_[size]);
  }
}

std::uint64_t DpdkLink::now_ns() const {
  return static_cast<std::uint64_t>(static_cast<double>(rte_get_tsc_cycles()) * ns_per_tick_);
}

bool DpdkLink::send_burst(std::uint64_t& sequence, unsigned burst, TrialResult& result) {
  rte_mbuf* mbufs[kMaxBurst];
  if (rte_pktmbuf_alloc_bulk(pool_, mbufs, burst) != 0)
    return false;
  const std::uint64_t stamp = now_ns();
  std::uint64_t bytes[kMaxBurst];
  for (unsigned i = 0; i < burst; ++i) {
    const std::size_t size = config_.sizes.size_of(sequence + i);
    const auto& frame = templates_[size];
    auto* data = static_cast<std::uint8_t*>(
        static_cast<void*>(rte_pktmbuf_append(mbufs[i], static_cast<std::uint16_t>(frame.size()))));
    std::memcpy(data, frame.data(), frame.size());
    stamp_probe({data, frame.size()}, Probe{sequence + i, stamp});
    bytes[i] = size;
  }
  const std::uint16_t sent =
      rte_eth_tx_burst(tx_.id(), 0, mbufs, static_cast<std::uint16_t>(burst));
  for (unsigned i = 0; i < sent; ++i)
    result.sent_bytes += bytes[i];
  if (sent < burst) {
    // The driver's ring is full: the generator, not the path, is the limit here.
    rte_pktmbuf_free_bulk(mbufs + sent, burst - sent);
    result.tx_failed += burst - sent;
  }
  sequence += sent;
  result.sent += sent;
  return sent > 0;
}

void DpdkLink::receive(ReceiveStats& stats) {
  rte_mbuf* mbufs[kMaxBurst];
  const std::uint16_t n = rte_eth_rx_burst(rx_.id(), 0, mbufs, kMaxBurst);
  if (n == 0)
    return;
  const std::uint64_t now = now_ns();
  for (std::uint16_t i = 0; i < n; ++i) {
    const auto* data = rte_pktmbuf_mtod(mbufs[i], const std::uint8_t*);
    const std::size_t len = rte_pktmbuf_data_len(mbufs[i]);
    if (auto probe = parse_probe({data, len}, config_.flow.dst_port)) {
      stats.record(*probe, now, len + kFcsBytes);
    }
  }
  rte_pktmbuf_free_bulk(mbufs, n);
}

void DpdkLink::send_learning_frames() {
  FlowAddresses back = config_.flow;
  std::swap(back.src_mac, back.dst_mac);
  std::swap(back.src_ip, back.dst_ip);
  back.dst_port = static_cast<std::uint16_t>(config_.flow.dst_port + 1);  // not a probe
  std::vector<std::uint8_t> frame(buffer_bytes(kMinFrameSize));
  build_frame(back, kMinFrameSize, frame);
  for (int i = 0; i < 3; ++i) {
    rte_mbuf* m = rte_pktmbuf_alloc(pool_);
    if (m == nullptr)
      break;
    std::memcpy(rte_pktmbuf_append(m, static_cast<std::uint16_t>(frame.size())), frame.data(),
                frame.size());
    if (rte_eth_tx_burst(rx_.id(), 0, &m, 1) == 0)
      rte_pktmbuf_free(m);
  }
  nap_us(50000);
}

void DpdkLink::warm_up() {
  send_learning_frames();
  LinkConfig saved = config_;
  config_.duration_s = 0.3;
  config_.count = 1000;
  run_trial(10000);
  config_ = saved;
}

TrialResult DpdkLink::run_trial(double offered_pps) {
  TrialResult result;
  result.offered_pps = offered_pps;
  ReceiveStats stats;
  const std::uint64_t hz = rte_get_tsc_hz();
  const unsigned burst = burst_for(offered_pps);
  const double ticks_per_packet = offered_pps > 0 ? static_cast<double>(hz) / offered_pps : 0;
  const std::uint64_t start = rte_get_tsc_cycles();
  const auto end = start + static_cast<std::uint64_t>(config_.duration_s * static_cast<double>(hz));
  double next_send = static_cast<double>(start);
  std::uint64_t sequence = 0;
  std::uint64_t now = start;
  while (now < end && (config_.count == 0 || sequence < config_.count) && !stop_requested()) {
    if (offered_pps <= 0 || static_cast<double>(now) >= next_send) {
      unsigned n = burst;
      if (config_.count > 0)
        n = static_cast<unsigned>(std::min<std::uint64_t>(n, config_.count - sequence));
      send_burst(sequence, n, result);
      // Pacing keeps the average rate; after a stall (the machine is shared) it catches up
      // by at most 2 ms worth of frames.
      next_send = std::max(next_send + n * ticks_per_packet,
                           static_cast<double>(now) - 0.002 * static_cast<double>(hz));
    }
    receive(stats);
    now = rte_get_tsc_cycles();
  }
  result.duration_s = static_cast<double>(now - start) / static_cast<double>(hz);
  const auto drain_end =
      now + static_cast<std::uint64_t>(config_.drain_s * static_cast<double>(hz));
  while (rte_get_tsc_cycles() < drain_end && stats.received() < result.sent && !stop_requested()) {
    const std::uint64_t before = stats.received();
    receive(stats);
    if (stats.received() == before)
      nap_us(20);
  }
  result.received = stats.received();
  result.received_bytes = stats.received_bytes();
  result.lost = stats.lost(result.sent);
  result.reordered = stats.reordered();
  result.duplicates = stats.duplicates();
  result.latency = stats.latency();
  return result;
}

}  // namespace neutrino::pktbench
