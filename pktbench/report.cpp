#include "pktbench/report.hpp"

#include <cstdio>

namespace neutrino::pktbench {

nlohmann::json trial_json(const TrialResult& t) {
  nlohmann::json j = {{"offered_pps", t.offered_pps},
                      {"duration_s", t.duration_s},
                      {"sent", t.sent},
                      {"received", t.received},
                      {"lost", t.lost},
                      {"reordered", t.reordered},
                      {"duplicates", t.duplicates},
                      {"tx_failed", t.tx_failed},
                      {"tx_pps", t.tx_pps()},
                      {"rx_pps", t.rx_pps()},
                      {"tx_gbps", t.tx_gbps()},
                      {"rx_gbps", t.rx_gbps()},
                      {"loss_ratio", t.loss_ratio()}};
  if (t.latency) {
    j["latency_us"] = {{"samples", t.latency->samples}, {"min", t.latency->min_us},
                       {"mean", t.latency->mean_us},    {"max", t.latency->max_us},
                       {"p50", t.latency->p50_us},      {"p99", t.latency->p99_us},
                       {"p99.9", t.latency->p999_us}};
  }
  return j;
}

void print_table_header(std::ostream& out) {
  char line[256];
  std::snprintf(line, sizeof line, "%-6s %-6s %11s %11s %11s %8s %8s %9s %8s %9s %9s %9s\n", "size",
                "mode", "offered", "tx pps", "rx pps", "rx Mpps", "Gbit/s", "loss %", "reorder",
                "p50 us", "p99 us", "p99.9 us");
  out << line;
}

void print_table_row(std::ostream& out, const std::string& size, const std::string& mode,
                     const TrialResult& t) {
  char offered[32];
  if (t.offered_pps > 0) {
    std::snprintf(offered, sizeof offered, "%.0f", t.offered_pps);
  } else {
    std::snprintf(offered, sizeof offered, "max");
  }
  const LatencySummary lat = t.latency.value_or(LatencySummary{});
  char line[256];
  std::snprintf(line, sizeof line,
                "%-6s %-6s %11s %11.0f %11.0f %8.3f %8.3f %9.4f %8llu %9.1f %9.1f %9.1f\n",
                size.c_str(), mode.c_str(), offered, t.tx_pps(), t.rx_pps(), t.rx_pps() / 1e6,
                t.rx_gbps(), t.loss_ratio() * 100, static_cast<unsigned long long>(t.reordered),
                lat.p50_us, lat.p99_us, lat.p999_us);
  out << line;
}

}  // namespace neutrino::pktbench
