// DHCP engine throughput: DORA transactions per second (DISCOVER -> OFFER, REQUEST -> ACK),
// each datagram parsed, decided and its reply serialized, as the agent's event loop would
// feed it. No sockets: this is the ceiling the engine puts on one agent thread.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "dhcp/dhcp_server.hpp"
#include "dhcp/packet_serializer.hpp"

namespace {

using namespace neutrino::dhcp;

constexpr int kPorts = 1000;

MacAddress port_mac(int i) {
  return MacAddress(
      {0xfa, 0x16, 0x3e, 0x00, static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i)});
}

Ipv4Address port_ip(int i) {
  return Ipv4Address(10, 0, static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i));
}

// A /16 with 1,000 ports, DNS, a domain, MTU 1450 and `extra_routes` host routes beyond the
// usual metadata and default ones (many routes force overloading into sname/file).
DhcpServerConfig network(int extra_routes) {
  DhcpServerConfig config;
  config.server_id = Ipv4Address(10, 0, 255, 2);
  config.mtu = 1450;
  config.domain_name = "openstacklocal";
  DhcpSubnet subnet;
  subnet.cidr = *Ipv4Cidr::parse("10.0.0.0/16");
  subnet.gateway = Ipv4Address(10, 0, 255, 1);
  subnet.dns_servers = {Ipv4Address(8, 8, 8, 8), Ipv4Address(8, 8, 4, 4)};
  for (int i = 0; i < extra_routes; ++i) {
    subnet.host_routes.push_back({Ipv4Cidr(Ipv4Address(172, 16, static_cast<uint8_t>(i), 0), 24),
                                  Ipv4Address(10, 0, 255, 9)});
  }
  config.subnets.push_back(subnet);
  for (int i = 0; i < kPorts; ++i) {
    config.hosts.push_back({port_mac(i), port_ip(i + 10), ""});
  }
  return config;
}

// What ISC dhclient sends.
DhcpPacket client_message(int i, MessageType type) {
  DhcpPacket packet;
  packet.xid = 0x10000000u + static_cast<uint32_t>(i);
  packet.set_client_mac(port_mac(i));
  packet.set_message_type(type);
  if (type == MessageType::kRequest) {
    packet.options.set_address(option::kServerId, Ipv4Address(10, 0, 255, 2));
    packet.options.set_address(option::kRequestedIp, port_ip(i + 10));
  }
  packet.options.set_string(option::kHostName, "vm");
  packet.options.set(option::kParameterRequestList,
                     {1, 28, 2, 3, 15, 6, 119, 12, 44, 47, 26, 121, 42});
  return packet;
}

std::vector<std::vector<uint8_t>> datagrams(MessageType type) {
  std::vector<std::vector<uint8_t>> out;
  for (int i = 0; i < kPorts; ++i) {
    out.push_back(serialize_dhcp_packet(client_message(i, type)));
  }
  return out;
}

void run(benchmark::State& state, const std::vector<std::vector<uint8_t>>* discovers,
         const std::vector<std::vector<uint8_t>>* requests) {
  DhcpServer server(network(static_cast<int>(state.range(0))));
  size_t i = 0;
  for (auto _ : state) {
    if (discovers != nullptr) {
      auto offer = server.handle((*discovers)[i]);
      benchmark::DoNotOptimize(offer.reply->bytes.data());
    }
    if (requests != nullptr) {
      auto ack = server.handle((*requests)[i]);
      benchmark::DoNotOptimize(ack.reply->bytes.data());
    }
    i = (i + 1) % kPorts;
  }
  if (server.counters().answered == 0) {
    state.SkipWithError("the server answered nothing");
  }
}

const auto kDiscovers = datagrams(MessageType::kDiscover);
const auto kRequests = datagrams(MessageType::kRequest);

void BM_Dora(benchmark::State& state) {
  run(state, &kDiscovers, &kRequests);
  state.counters["DORA/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_Discover(benchmark::State& state) {
  run(state, &kDiscovers, nullptr);
  state.counters["packets/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_Request(benchmark::State& state) {
  run(state, nullptr, &kRequests);
  state.counters["packets/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// The cost of a datagram from an unknown MAC: parsed, looked up, dropped.
void BM_UnknownMac(benchmark::State& state) {
  DhcpServer server(network(0));
  auto stranger = client_message(0, MessageType::kDiscover);
  stranger.set_client_mac(MacAddress({0x02, 0, 0, 0, 0, 1}));
  const auto bytes = serialize_dhcp_packet(stranger);
  for (auto _ : state) {
    benchmark::DoNotOptimize(server.handle(bytes).action);
  }
  state.counters["packets/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// Arg: extra host routes. 0 is the common case; 40 makes option 121 ~340 bytes, so replies
// to a client without option 57 overload into file and sname.
BENCHMARK(BM_Dora)->Arg(0)->Arg(40);
BENCHMARK(BM_Discover)->Arg(0);
BENCHMARK(BM_Request)->Arg(0);
BENCHMARK(BM_UnknownMac);

}  // namespace

BENCHMARK_MAIN();
