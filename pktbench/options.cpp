#include "pktbench/options.hpp"

#include <sstream>
#include <stdexcept>

namespace neutrino::pktbench {
namespace {

double to_double(const std::string& option, const std::string& value, double min,
                 double max = 1e18) {
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != value.size() || !(v >= min && v <= max)) {
    throw std::invalid_argument(option + ": bad value '" + value + "'");
  }
  return v;
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, sep);) {
    if (!part.empty())
      parts.push_back(part);
  }
  return parts;
}

MacAddress to_mac(const std::string& option, const std::string& value) {
  auto mac = parse_mac(value);
  if (!mac)
    throw std::invalid_argument(option + ": bad MAC '" + value + "'");
  return *mac;
}

std::uint32_t to_ipv4(const std::string& option, const std::string& value) {
  auto ip = parse_ipv4(value);
  if (!ip)
    throw std::invalid_argument(option + ": bad IPv4 address '" + value + "'");
  return *ip;
}

}  // namespace

RunOptions parse_run_options(const std::vector<std::string>& args) {
  RunOptions o;
  o.flow.src_ip = *parse_ipv4("192.0.2.1");
  o.flow.dst_ip = *parse_ipv4("192.0.2.2");
  std::string sizes = "64,128,256,512,1024,1280,1500,imix";
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& opt = args[i];
    if (i + 1 >= args.size())
      throw std::invalid_argument(opt + ": needs a value");
    const std::string& v = args[++i];
    if (opt == "--tx") {
      o.tx = v;
    } else if (opt == "--rx") {
      o.rx = v;
    } else if (opt == "--driver") {
      o.driver = v;
    } else if (opt == "--src-ip") {
      o.flow.src_ip = to_ipv4(opt, v);
    } else if (opt == "--dst-ip") {
      o.flow.dst_ip = to_ipv4(opt, v);
    } else if (opt == "--src-mac") {
      o.flow.src_mac = to_mac(opt, v);
    } else if (opt == "--dst-mac") {
      o.flow.dst_mac = to_mac(opt, v);
    } else if (opt == "--udp-port") {
      o.flow.dst_port = static_cast<std::uint16_t>(to_double(opt, v, 1, 65535));
    } else if (opt == "--sizes") {
      sizes = v;
    } else if (opt == "--rate") {
      o.search = false;
      o.rate_pps = to_double(opt, v, 0);
    } else if (opt == "--duration") {
      o.duration_s = to_double(opt, v, 0.01);
    } else if (opt == "--count") {
      o.count = static_cast<std::uint64_t>(to_double(opt, v, 1));
    } else if (opt == "--loss") {
      o.search_options.loss_threshold = to_double(opt, v, 0, 1);
    } else if (opt == "--resolution") {
      o.search_options.resolution = to_double(opt, v, 0.001);
    } else if (opt == "--max-trials") {
      o.search_options.max_trials = static_cast<int>(to_double(opt, v, 1, 1000));
    } else if (opt == "--eal-args") {
      o.eal_args = split(v, ' ');
    } else {
      throw std::invalid_argument("unknown option " + opt);
    }
  }
  if (o.tx.empty() || o.rx.empty())
    throw std::invalid_argument("--tx and --rx are required");
  for (const auto& s : split(sizes, ',')) {
    auto parsed = FrameSizes::parse(s);
    if (!parsed)
      throw std::invalid_argument("--sizes: '" + s + "' is not 64..1518 or imix");
    o.sizes.push_back(*parsed);
  }
  if (o.sizes.empty())
    throw std::invalid_argument("--sizes: no size given");
  return o;
}

const char* const kUsage =
    R"(neutrino-pktbench: a DPDK packet generator and sink (EAL with --no-huge,
a net_af_packet or net_af_xdp vdev per Linux interface, no NIC, no hugepages).

  neutrino-pktbench run --tx IFACE[@NETNS] --rx IFACE[@NETNS] [options]
      Sends UDP frames out of --tx and receives them on --rx, in one process and one
      thread (both ends read the same clock). NETNS is a name under /run/netns or a path to
      a namespace file (/proc/PID/ns/net); the program enters each namespace itself to open
      the port there, so run it as root in the namespace that holds those paths (no
      `ip netns exec` needed). Any two interfaces work: the two ends of a path between two
      guests (their eth0), a veth pair, two taps...
        --src-ip A --dst-ip B   addresses in the frames (default 192.0.2.1 -> 192.0.2.2);
                                a pipeline with anti-spoofing needs the ports' fixed IPs
        --src-mac M --dst-mac M default: the TX port's MAC -> the RX port's MAC
        --udp-port N            destination UDP port (default 9, discard)
        --sizes LIST            frame sizes on the wire, FCS included (RFC 2544), 64..1518,
                                and imix (7x64, 4x594, 1x1518); default
                                64,128,256,512,1024,1280,1500,imix
        --rate PPS              one trial per size at this offered load (0: unthrottled)
        (default)               RFC 2544 throughput: the highest rate with loss under
                                --loss (default 0.001 = 0.1%), binary search from the
                                unthrottled rate, --resolution 0.02, --max-trials 10
        --duration S            seconds per trial (default 2)
        --count N               stop each trial after N frames (smoke tests)
        --driver af_packet|af_xdp   (default af_packet)
        --eal-args "ARGS"       more EAL arguments
      Prints a table (offered, sent and received pps, Mpps, Gbit/s of received frames,
      loss, reordered frames, one-way latency p50/p99/p99.9 from the TX timestamps) and a
      last line of JSON. Drop the receiver's kernel traffic with an nftables netdev ingress
      drop on the RX interface (AF_PACKET sees frames before that hook), or the guest kernel
      answers every probe with ICMP port unreachable.

  neutrino-pktbench path [--paths LIST] [--sizes LIST] [--duration S] [--smoke] [--list]
      Builds the paths itself (a real controller and agents on simulated hosts with OVS's
      userspace datapath, plus plain OVS NORMAL, a Linux bridge and a veth pair beside
      them), measures each with `run`, prints every path's figures and our pipeline's
      throughput as a fraction of each baseline, per frame size. `path --help` for more.
      Everything it creates carries a unique prefix and is removed on exit, failure or
      signal. Needs root.
)";

}  // namespace neutrino::pktbench
