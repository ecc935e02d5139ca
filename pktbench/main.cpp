// neutrino-pktbench: `run` measures between two interfaces, `path` builds the paths to
// measure (pktbench/paths/, Python on the integration harness) and runs `run` on each.

#include <rte_mbuf.h>
#include <signal.h>
#include <unistd.h>

#include <climits>
#include <cstring>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "pktbench/dpdk_eal.hpp"
#include "pktbench/dpdk_link.hpp"
#include "pktbench/dpdk_port.hpp"
#include "pktbench/options.hpp"
#include "pktbench/report.hpp"

namespace pb = neutrino::pktbench;

namespace {

nlohmann::json measure_size(pb::DpdkLink& link, const pb::RunOptions& o,
                            const pb::FrameSizes& sizes) {
  link.set_sizes(sizes);
  nlohmann::json j = {{"size", sizes.label()}, {"mode", o.search ? "search" : "rate"}};
  if (!o.search) {
    pb::TrialResult t = link.run_trial(o.rate_pps);
    pb::print_table_row(std::cout, sizes.label(), "rate", t);
    j["result"] = pb::trial_json(t);
    return j;
  }
  pb::SearchResult s = pb::search_highest_rate(link, o.search_options);
  j["trials"] = nlohmann::json::array();
  for (const auto& t : s.trials)
    j["trials"].push_back(pb::trial_json(t));
  if (s.best) {
    pb::print_table_row(std::cout, sizes.label(), "search", *s.best);
    j["result"] = pb::trial_json(*s.best);
  } else {
    // Even the slowest trial lost too much: report the unthrottled trial, marked as failed.
    pb::print_table_row(std::cout, sizes.label(), "FAILED", s.trials.front());
    j["result"] = pb::trial_json(s.trials.front());
    j["no_rate_passed"] = true;
  }
  return j;
}

void on_signal(int) {
  pb::request_stop();
}

int run(const std::vector<std::string>& args) {
  const pb::RunOptions o = pb::parse_run_options(args);
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  // A reader that went away (the path driver, killed) must not kill us before cleanup.
  signal(SIGPIPE, SIG_IGN);
  pb::DpdkEal eal(o.eal_args);
  std::unique_ptr<rte_mempool, void (*)(rte_mempool*)> pool(
      rte_pktmbuf_pool_create("pktbench", 16383, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY),
      rte_mempool_free);
  if (!pool)
    throw std::runtime_error("cannot create the mbuf pool");
  nlohmann::json out = {{"driver", o.driver}, {"tx", o.tx}, {"rx", o.rx}};
  {
    pb::DpdkPort tx(pb::parse_port_spec(o.tx, o.driver), "tx", pool.get());
    pb::DpdkPort rx(pb::parse_port_spec(o.rx, o.driver), "rx", pool.get());
    pb::LinkConfig config;
    config.flow = o.flow;
    config.sizes = o.sizes.front();
    config.duration_s = o.duration_s;
    config.count = o.count;
    pb::DpdkLink link(tx, rx, pool.get(), config);
    link.warm_up();
    std::cout << "tx " << o.tx << " (" << pb::format_mac(tx.mac()) << ") -> rx " << o.rx << " ("
              << pb::format_mac(rx.mac()) << "), " << o.driver << ", "
              << (o.search ? "RFC 2544 search" : "fixed rate") << ", " << o.duration_s
              << " s per trial\n";
    pb::print_table_header(std::cout);
    out["results"] = nlohmann::json::array();
    for (const auto& sizes : o.sizes) {
      if (pb::stop_requested())
        break;
      out["results"].push_back(measure_size(link, o, sizes));
    }
  }
  if (pb::stop_requested()) {
    // The trial under way was cut short: its figures would mislead.
    std::cerr << "neutrino-pktbench: interrupted\n";
    return 130;
  }
  std::cout << out.dump() << std::endl;
  return 0;
}

std::string self_dir() {
  char path[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0)
    return ".";
  path[n] = '\0';
  std::string dir(path);
  return dir.substr(0, dir.rfind('/'));
}

int exec_path_driver(int argc, char** argv) {
  const std::string dir = self_dir();
  setenv("NEUTRINO_BIN_DIR", dir.c_str(), 0);
  setenv("NEUTRINO_PKTBENCH", (dir + "/neutrino-pktbench").c_str(), 1);
  std::vector<char*> args = {const_cast<char*>("python3"),
                             const_cast<char*>(NEUTRINO_PKTBENCH_PATH_SCRIPT)};
  for (int i = 2; i < argc; ++i)
    args.push_back(argv[i]);
  args.push_back(nullptr);
  execv("/usr/bin/python3", args.data());
  std::cerr << "neutrino-pktbench: cannot run /usr/bin/python3: " << std::strerror(errno) << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string command = argc > 1 ? argv[1] : "";
  if (command == "path")
    return exec_path_driver(argc, argv);
  if (command != "run") {
    const bool asked = command == "--help" || command == "-h" || command == "help";
    (asked ? std::cout : std::cerr) << pb::kUsage;
    return asked ? 0 : 2;
  }
  try {
    return run(std::vector<std::string>(argv + 2, argv + argc));
  } catch (const std::invalid_argument& e) {
    std::cerr << "neutrino-pktbench: " << e.what() << "\n(neutrino-pktbench --help)\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "neutrino-pktbench: " << e.what() << "\n";
    return 1;
  }
}
