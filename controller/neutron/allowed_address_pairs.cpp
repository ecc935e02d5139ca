#include "controller/neutron/allowed_address_pairs.hpp"

#include <charconv>
#include <set>
#include <utility>
#include <vector>

#include "common/text_prefix.hpp"
#include "controller/api/api_error.hpp"
#include "controller/ipam/ip_address.hpp"
#include "controller/ipam/mac_address.hpp"

namespace neutrino::neutron {
namespace {

struct Pair {
  std::optional<std::string> mac;  // as given; nullopt: the port's
  std::string ip;
};

std::string quoted(const Json& value) {
  return "'" + (value.is_string() ? text_prefix(value.get<std::string>()) : json_prefix(value)) +
         "'";
}

// Neutron's validate_subnet for a "/" form: any address with a prefix length in range (host
// bits may be set: a pair may name one address of a block).
bool valid_cidr(const std::string& text) {
  const auto slash = text.find('/');
  const auto address = ipam::IpAddress::parse(std::string_view(text).substr(0, slash));
  const std::string_view length = std::string_view(text).substr(slash + 1);
  int bits = -1;
  const auto [end, error] = std::from_chars(length.data(), length.data() + length.size(), bits);
  return address && error == std::errc() && end == length.data() + length.size() &&
         !length.empty() && bits >= 0 && bits <= address->bits();
}

Pair checked_pair(const Json& entry) {
  if (!entry.is_object()) {
    throw api::bad_request("Invalid input for allowed_address_pairs. Reason: " + quoted(entry) +
                           " is not a dictionary.");
  }
  Pair pair;
  if (const auto mac = entry.find("mac_address"); mac != entry.end()) {
    const auto parsed =
        mac->is_string() ? ipam::MacAddress::parse(mac->get<std::string>()) : std::nullopt;
    if (!parsed || parsed->to_string() == "00:00:00:00:00:00") {
      throw api::bad_request(quoted(*mac) + " is not a valid MAC address");
    }
    pair.mac = parsed->to_string();
  }
  const auto ip = entry.find("ip_address");
  if (ip == entry.end()) {
    throw api::bad_request("AllowedAddressPair must contain ip_address",
                           "AllowedAddressPairsMissingIP");
  }
  std::string unknown;
  for (const auto& [key, value] : entry.items()) {
    if (key != "ip_address" && key != "mac_address") {
      unknown += (unknown.empty() ? "" : ", ") + text_prefix(key);
    }
  }
  if (!unknown.empty()) {
    throw api::bad_request("Unrecognized attribute(s) '" + unknown + "'");
  }
  const std::string text = ip->is_string() ? ip->get<std::string>() : "";
  if (text.find('/') != std::string::npos) {
    if (!valid_cidr(text)) {
      throw api::bad_request(quoted(*ip) + " is not a valid IP subnet");
    }
  } else if (!ipam::IpAddress::parse(text)) {
    throw api::bad_request(quoted(*ip) + " is not a valid IP address");
  }
  pair.ip = text;
  return pair;
}

api::ApiError duplicate(const std::string& mac, const std::string& ip) {
  return api::bad_request("Request contains duplicate address pair: mac_address " + mac +
                              " ip_address " + text_prefix(ip) + ".",
                          "DuplicateAddressPairInRequest");
}

// nullopt when the request does not name the attribute; null is the empty list.
std::optional<std::vector<Pair>> requested(const Json& attributes) {
  const auto it = attributes.find("allowed_address_pairs");
  if (it == attributes.end()) {
    return std::nullopt;
  }
  if (it->is_null()) {
    return std::vector<Pair>{};
  }
  if (!it->is_array()) {
    throw api::bad_request("Allowed address pairs must be a list.");
  }
  if (it->size() > AllowedAddressPairs::kMaxPairs) {
    throw api::bad_request("The number of allowed address pair exceeds the maximum " +
                               std::to_string(AllowedAddressPairs::kMaxPairs) + ".",
                           "AllowedAddressPairExhausted");
  }
  std::vector<Pair> pairs;
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& entry : *it) {
    Pair pair = checked_pair(entry);
    if (!seen.emplace(pair.mac.value_or("None"), pair.ip).second) {
      throw duplicate(pair.mac.value_or("None"), pair.ip);
    }
    pairs.push_back(std::move(pair));
  }
  return pairs;
}

api::ApiError port_security_required() {
  return api::conflict("AddressPairAndPortSecurityRequired",
                       "Port Security must be enabled in order to have allowed address pairs on "
                       "a port.");
}

void store_pairs(store::SqlSession& s, const AddressPairsPort& port,
                 const std::vector<Pair>& pairs) {
  s.execute("DELETE FROM allowedaddresspairs WHERE port_id = ?", {port.id});
  std::set<std::pair<std::string, std::string>> stored;
  int64_t position = 0;
  for (const auto& pair : pairs) {
    const std::string mac = pair.mac.value_or(port.mac);
    // A pair without MAC and the same pair with the port's MAC are one row, as in Neutron's
    // table, where the duplicate surfaces as DuplicateAddressPairInRequest too.
    if (!stored.emplace(mac, pair.ip).second) {
      throw duplicate(mac, pair.ip);
    }
    s.execute(
        "INSERT INTO allowedaddresspairs (port_id, mac_address, ip_address, position) VALUES "
        "(?, ?, ?, ?)",
        {port.id, mac, pair.ip, position++});
  }
}

}  // namespace

void AllowedAddressPairs::validate(const Json& attributes) {
  requested(attributes);
}

void AllowedAddressPairs::on_create(store::SqlSession& s, const AddressPairsPort& port,
                                    const Json& attributes) {
  const auto pairs = requested(attributes);
  if (!pairs || pairs->empty()) {
    return;
  }
  if (!port.port_security) {
    throw port_security_required();
  }
  store_pairs(s, port, *pairs);
}

void AllowedAddressPairs::on_update(store::SqlSession& s, const AddressPairsPort& port,
                                    const Json& attributes) {
  const auto pairs = requested(attributes);
  const bool has_pairs =
      pairs ? !pairs->empty()
            : !s.query("SELECT 1 FROM allowedaddresspairs WHERE port_id = ? LIMIT 1", {port.id})
                   .empty();
  if (has_pairs && !port.port_security) {
    throw port_security_required();
  }
  if (pairs) {
    store_pairs(s, port, *pairs);
  }
}

std::map<std::string, Json> AllowedAddressPairs::load(store::SqlSession& s,
                                                      const IdSelection& ports) {
  const auto rows = s.query("SELECT port_id, mac_address, ip_address FROM allowedaddresspairs" +
                                ports.clause("WHERE", "port_id") + " ORDER BY port_id, position",
                            ports.params());
  std::map<std::string, Json> out;
  for (const auto& r : rows) {
    out[r.text(0)].push_back({{"ip_address", r.text(2)}, {"mac_address", r.text(1)}});
  }
  return out;
}

}  // namespace neutrino::neutron
