#include "dhcp/extra_option.hpp"

#include <cctype>
#include <charconv>
#include <string>

#include "dhcp/static_route.hpp"

namespace neutrino::dhcp {
namespace {

enum class Kind { kAddress, kAddresses, kText, kU8, kU16, kU32, kBool, kRoutes, kNextServer };

struct Known {
  std::string_view name;
  uint8_t code;
  Kind kind;
};

// dnsmasq's names for the options a port is likely to need (dhcp-common.c's opttab).
constexpr Known kKnown[] = {
    {"netmask", 1, Kind::kAddress},
    {"time-offset", 2, Kind::kU32},
    {"router", 3, Kind::kAddresses},
    {"time-server", 4, Kind::kAddresses},
    {"dns-server", 6, Kind::kAddresses},
    {"log-server", 7, Kind::kAddresses},
    {"lpr-server", 9, Kind::kAddresses},
    {"hostname", 12, Kind::kText},
    {"boot-file-size", 13, Kind::kU16},
    {"domain-name", 15, Kind::kText},
    {"swap-server", 16, Kind::kAddress},
    {"root-path", 17, Kind::kText},
    {"extension-path", 18, Kind::kText},
    {"ip-forward-enable", 19, Kind::kBool},
    {"non-local-source-routing", 20, Kind::kBool},
    {"max-datagram-reassembly", 22, Kind::kU16},
    {"default-ttl", 23, Kind::kU8},
    {"mtu", 26, Kind::kU16},
    {"all-subnets-local", 27, Kind::kBool},
    {"broadcast", 28, Kind::kAddress},
    {"router-discovery", 31, Kind::kBool},
    {"router-solicitation", 32, Kind::kAddress},
    {"trailer-encapsulation", 34, Kind::kBool},
    {"arp-timeout", 35, Kind::kU32},
    {"ethernet-encap", 36, Kind::kBool},
    {"tcp-ttl", 37, Kind::kU8},
    {"tcp-keepalive", 38, Kind::kU32},
    {"nis-domain", 40, Kind::kText},
    {"nis-server", 41, Kind::kAddresses},
    {"ntp-server", 42, Kind::kAddresses},
    {"netbios-ns", 44, Kind::kAddresses},
    {"netbios-dd", 45, Kind::kAddresses},
    {"netbios-nodetype", 46, Kind::kU8},
    {"netbios-scope", 47, Kind::kText},
    {"x-windows-fs", 48, Kind::kAddresses},
    {"x-windows-dm", 49, Kind::kAddresses},
    {"nis+-domain", 64, Kind::kText},
    {"nis+-server", 65, Kind::kAddresses},
    {"tftp-server", 66, Kind::kText},
    {"bootfile-name", 67, Kind::kText},
    {"mobile-ip-home", 68, Kind::kAddresses},
    {"smtp-server", 69, Kind::kAddresses},
    {"pop3-server", 70, Kind::kAddresses},
    {"nntp-server", 71, Kind::kAddresses},
    {"irc-server", 74, Kind::kAddresses},
    {"classless-static-route", 121, Kind::kRoutes},
    {"server-ip-address", 0, Kind::kNextServer},
    {"sip-server", 120, Kind::kText},
};

// What the server sets itself, or what would break the exchange if a port changed it.
bool reserved(uint8_t code) {
  return code == 0 || code == 255 || (code >= 50 && code <= 59) || code == 61 || code == 82;
}

std::vector<std::string_view> split(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    out.push_back(text.substr(start, comma - start));
    if (comma == std::string_view::npos) {
      return out;
    }
    start = comma + 1;
  }
}

std::optional<std::vector<uint8_t>> addresses(std::string_view value, bool single) {
  std::vector<uint8_t> out;
  const auto items = split(value);
  if (single && items.size() != 1) {
    return std::nullopt;
  }
  for (const auto item : items) {
    const auto address = Ipv4Address::parse(item);
    if (!address) {
      return std::nullopt;
    }
    const uint32_t v = address->value();
    out.insert(out.end(), {static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16),
                           static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)});
  }
  return out;
}

std::optional<std::vector<uint8_t>> number(std::string_view value, int bytes) {
  uint64_t n = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), n);
  const bool too_big = bytes < 8 && (n >> (8 * bytes)) != 0;
  if (error != std::errc() || end != value.data() + value.size() || value.empty() || too_big) {
    return std::nullopt;
  }
  std::vector<uint8_t> out;
  for (int i = bytes - 1; i >= 0; --i) {
    out.push_back(static_cast<uint8_t>(n >> (8 * i)));
  }
  return out;
}

// dnsmasq's "destination/width,router" pairs.
std::optional<std::vector<uint8_t>> routes(std::string_view value) {
  const auto items = split(value);
  if (items.size() % 2 != 0) {
    return std::nullopt;
  }
  std::vector<StaticRoute> parsed;
  for (size_t i = 0; i < items.size(); i += 2) {
    const auto destination = Ipv4Cidr::parse(items[i]);
    const auto router = Ipv4Address::parse(items[i + 1]);
    if (!destination || !router) {
      return std::nullopt;
    }
    parsed.push_back({*destination, *router});
  }
  return encode_classless_routes(parsed);
}

std::optional<std::vector<uint8_t>> encode(Kind kind, std::string_view value) {
  switch (kind) {
    case Kind::kAddress:
    case Kind::kNextServer:
      return addresses(value, true);
    case Kind::kAddresses:
      return addresses(value, false);
    case Kind::kText:
      return std::vector<uint8_t>(value.begin(), value.end());
    case Kind::kU8:
      return number(value, 1);
    case Kind::kU16:
      return number(value, 2);
    case Kind::kU32:
      return number(value, 4);
    case Kind::kBool:
      return value == "1" || value == "true"    ? std::vector<uint8_t>{1}
             : value == "0" || value == "false" ? std::optional(std::vector<uint8_t>{0})
                                                : std::nullopt;
    case Kind::kRoutes:
      return routes(value);
  }
  return std::nullopt;
}

std::optional<Known> lookup(std::string_view name) {
  uint8_t code = 0;
  const auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), code);
  const bool numeric = error == std::errc() && end == name.data() + name.size() && !name.empty();
  for (const auto& known : kKnown) {
    if (numeric ? known.code == code && known.kind != Kind::kNextServer : known.name == name) {
      return known;
    }
  }
  if (!numeric) {
    return std::nullopt;
  }
  return Known{name, code, Kind::kText};  // an unknown code; its kind is guessed below
}

}  // namespace

std::optional<ExtraOption> encode_extra_option(std::string_view name, std::string_view value) {
  const auto known = lookup(name);
  if (!known || (known->kind != Kind::kNextServer && reserved(known->code))) {
    return std::nullopt;
  }
  if (value.empty()) {
    if (known->code == 3 || known->code == 121) {
      return ExtraOption{known->code, {}, {}};  // Neutron's blank router / routes: none
    }
    return std::nullopt;
  }
  Kind kind = known->kind;
  const bool unknown_code =
      known->name == name && std::isdigit(static_cast<unsigned char>(name[0]));
  if (unknown_code && addresses(value, false)) {
    kind = Kind::kAddresses;
  }
  auto data = encode(kind, value);
  if (!data || data->size() > 255 * 4) {
    return std::nullopt;
  }
  ExtraOption out{known->code, std::move(*data), {}};
  if (kind == Kind::kNextServer) {
    out.next_server = *Ipv4Address::parse(value);
    out.data.clear();
  }
  return out;
}

}  // namespace neutrino::dhcp
