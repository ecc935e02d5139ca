#include "controller/neutron/ip_allocator.hpp"

#include <algorithm>
#include <set>

#include "common/text_prefix.hpp"
#include "controller/api/api_error.hpp"
#include "controller/ipam/address_picker.hpp"
#include "controller/ipam/eui64.hpp"
#include "controller/ipam/mac_address.hpp"
#include "controller/neutron/ipv6_modes.hpp"
#include "controller/neutron/port_service.hpp"
#include "controller/neutron/resource_schema.hpp"
#include "controller/neutron/subnet_service.hpp"
#include "controller/neutron/subnet_service_types.hpp"

namespace neutrino::neutron {
namespace {

constexpr int kAllocationAttempts = 16;

struct Wanted {
  std::optional<std::string> subnet_id;
  std::optional<ipam::IpAddress> address;
};

api::ApiError invalid_fixed_ips(const std::string& reason) {
  return api::bad_request("Invalid input for fixed_ips. Reason: " + reason + ".");
}

std::vector<Wanted> parse_request(const Json& requested) {
  std::vector<Wanted> wanted;
  for (const auto& entry : requested) {
    if (!entry.is_object()) {
      throw invalid_fixed_ips("'" + json_prefix(entry) + "' is not a dictionary");
    }
    Wanted w;
    for (const auto& [key, value] : entry.items()) {
      if (key == "subnet_id") {
        if (!value.is_string() || !is_uuid(value.get<std::string>())) {
          throw api::bad_request("Invalid input for subnet_id. Reason: '" + json_prefix(value) +
                                 "' is not a valid UUID.");
        }
        w.subnet_id = value.get<std::string>();
      } else if (key == "ip_address") {
        const auto ip = value.is_string() ? ipam::IpAddress::parse(value.get<std::string>())
                                          : std::optional<ipam::IpAddress>();
        if (!ip) {
          throw invalid_fixed_ips("'" + json_prefix(value) + "' is not a valid IP address");
        }
        w.address = ip;
      } else {
        throw invalid_fixed_ips("Unrecognized key '" + text_prefix(key) + "'");
      }
    }
    if (!w.subnet_id && !w.address) {
      throw invalid_fixed_ips("each entry needs a subnet_id or an ip_address");
    }
    wanted.push_back(w);
  }
  return wanted;
}

std::vector<ipam::IpAddress> allocated_in(store::SqlSession& s, const std::string& subnet_id) {
  std::vector<ipam::IpAddress> out;
  for (const auto& r :
       s.query("SELECT ip_address FROM ipallocations WHERE subnet_id = ?", {subnet_id})) {
    if (auto ip = ipam::IpAddress::parse(r.text(0))) {
      out.push_back(*ip);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

void insert(store::SqlSession& s, const std::string& port_id, const SubnetInfo& subnet,
            const ipam::IpAddress& ip) {
  s.execute(
      "INSERT INTO ipallocations (port_id, ip_address, subnet_id, network_id, position) "
      "VALUES (?, ?, ?, ?, (SELECT COALESCE(MAX(position), -1) + 1 FROM ipallocations "
      "WHERE port_id = ?))",
      {port_id, ip.to_string(), subnet.id, subnet.network_id, port_id});
}

void insert_exact(store::SqlSession& s, const std::string& port_id, const SubnetInfo& subnet,
                  const ipam::IpAddress& ip) {
  const bool usable =
      subnet.cidr.contains(ip) && ip >= subnet.cidr.first_host() && ip <= subnet.cidr.last_host();
  if (!usable) {
    throw api::bad_request(
        "IP address " + ip.to_string() + " is not a valid IP for the specified subnet.",
        "InvalidIpForSubnet");
  }
  // The gateway address may be asked for explicitly (a router interface takes it), as Neutron's
  // IPAM does not reserve it; automatic allocation never hands it out.
  try {
    insert(s, port_id, subnet, ip);
  } catch (const store::ConstraintViolation&) {
    throw api::conflict(
        "IpAddressAlreadyAllocated",
        "IP address " + ip.to_string() + " already allocated in subnet " + subnet.id);
  }
}

// A random free address of the subnet's pools, or nullopt when the pools are full.
std::optional<ipam::IpAddress> insert_any(store::SqlSession& s, const std::string& port_id,
                                          const SubnetInfo& subnet) {
  auto allocated = allocated_in(s, subnet.id);
  if (subnet.gateway) {
    allocated.insert(std::upper_bound(allocated.begin(), allocated.end(), *subnet.gateway),
                     *subnet.gateway);
  }
  for (int attempt = 0; attempt < kAllocationAttempts; ++attempt) {
    const auto candidate = ipam::pick_free_address(subnet.pools, allocated);
    if (!candidate) {
      return std::nullopt;
    }
    try {
      s.savepoint([&] { insert(s, port_id, subnet, *candidate); });
      return candidate;
    } catch (const store::ConstraintViolation&) {
      // Another writer took it (possible with a multi-writer store); try another one.
      allocated.insert(std::upper_bound(allocated.begin(), allocated.end(), *candidate),
                       *candidate);
    }
  }
  return std::nullopt;
}

// What the EUI-64 pass needs to know of the port: its MAC, and whether it takes automatic
// addresses at all (router interfaces do not).
struct PortIdentity {
  ipam::MacAddress mac;
  bool takes_automatic;
  std::string device_owner;
};

PortIdentity identity_of(store::SqlSession& s, const std::string& port_id) {
  const auto rows = s.query("SELECT mac_address, device_owner FROM ports WHERE id = ?", {port_id});
  return PortIdentity{*ipam::MacAddress::parse(rows.at(0).text(0)),
                      !is_router_interface_owner(rows.at(0).text(1)), rows.at(0).text(1)};
}

bool is_automatic(const SubnetInfo& subnet, const PortIdentity& port) {
  return subnet.modes.auto_address() && port.takes_automatic;
}

void insert_automatic(store::SqlSession& s, const std::string& port_id, const SubnetInfo& subnet,
                      const ipam::MacAddress& mac) {
  const auto address = ipam::eui64_address(subnet.cidr, mac);
  try {
    insert(s, port_id, subnet, address);
  } catch (const store::ConstraintViolation&) {
    // Only a port with the same MAC can hold it; MACs are unique on a network.
    throw api::conflict(
        "IpAddressAlreadyAllocated",
        "IP address " + address.to_string() + " already allocated in subnet " + subnet.id);
  }
}

}  // namespace

void IpAllocator::add_automatic_addresses(store::SqlSession& s, const std::string& subnet_id) {
  const auto rows = s.query("SELECT network_id FROM subnets WHERE id = ?", {subnet_id});
  for (const auto& subnet : SubnetService::of_network(s, rows.at(0).text(0))) {
    if (subnet.id != subnet_id) {
      continue;
    }
    for (const auto& r :
         s.query("SELECT id FROM ports WHERE network_id = ?", {subnet.network_id})) {
      const PortIdentity port = identity_of(s, r.text(0));
      if (is_automatic(subnet, port)) {
        insert_automatic(s, r.text(0), subnet, port.mac);
        PortService::touch(s, r.text(0));
      }
    }
  }
}

void IpAllocator::refresh_automatic_addresses(store::SqlSession& s, const std::string& port_id,
                                              const std::string& network_id) {
  const PortIdentity port = identity_of(s, port_id);
  for (const auto& subnet : SubnetService::of_network(s, network_id)) {
    if (is_automatic(subnet, port)) {
      s.execute("DELETE FROM ipallocations WHERE port_id = ? AND subnet_id = ?",
                {port_id, subnet.id});
      insert_automatic(s, port_id, subnet, port.mac);
    }
  }
}

std::vector<FixedIp> IpAllocator::of_port(store::SqlSession& s, const std::string& port_id) {
  std::vector<FixedIp> out;
  for (const auto& r : s.query(
           "SELECT subnet_id, ip_address FROM ipallocations WHERE port_id = ? ORDER BY position",
           {port_id})) {
    out.push_back(FixedIp{r.text(0), r.text(1)});
  }
  return out;
}

std::vector<FixedIp> IpAllocator::assign(store::SqlSession& s, const std::string& port_id,
                                         const std::string& network_id,
                                         const std::optional<Json>& requested,
                                         const std::vector<FixedIp>& previous) {
  const PortIdentity port = identity_of(s, port_id);
  // subnet-service-types: only the subnets serving the port's device owner are candidates.
  const auto subnets = SubnetServiceTypes::eligible(s, SubnetService::of_network(s, network_id),
                                                    network_id, port.device_owner);
  s.execute("DELETE FROM ipallocations WHERE port_id = ?", {port_id});
  // Every automatic-address subnet gives the port its EUI-64 address, asked for or not.
  auto add_automatic = [&] {
    for (const auto& subnet : subnets) {
      if (is_automatic(subnet, port)) {
        insert_automatic(s, port_id, subnet, port.mac);
      }
    }
    return of_port(s, port_id);
  };

  if (!requested) {
    // One address per IP version, from the first subnet that has room.
    std::set<int> served;
    bool tried = false;
    for (const auto& subnet : subnets) {
      // Automatic subnets never hand out pool addresses, not even to router interfaces.
      if (served.contains(subnet.cidr.version()) || subnet.modes.auto_address()) {
        continue;
      }
      tried = true;
      if (insert_any(s, port_id, subnet)) {
        served.insert(subnet.cidr.version());
      }
    }
    if (tried && served.empty()) {
      throw api::conflict("IpAddressGenerationFailure",
                          "No more IP addresses available on network " + network_id + ".");
    }
    return add_automatic();
  }

  if (!requested->is_array()) {
    throw invalid_fixed_ips("'" + json_prefix(*requested) + "' is not a list");
  }
  auto find_subnet = [&](const std::string& id) -> const SubnetInfo& {
    for (const auto& subnet : subnets) {
      if (subnet.id == id) {
        return subnet;
      }
    }
    if (s.query("SELECT COUNT(*) FROM subnets WHERE id = ?", {id})[0].integer(0) == 0) {
      throw api::not_found("Subnet " + id + " could not be found.", "SubnetNotFound");
    }
    throw api::bad_request("Invalid input for operation: Failed to create port on network " +
                               network_id + ", because fixed_ips included invalid subnet " + id +
                               ".",
                           "InvalidInput");
  };
  const auto wanted = parse_request(*requested);
  std::set<std::string> claimed;  // previous addresses already re-used
  // Exact addresses first, so a subnet-only entry cannot take an address named explicitly.
  for (const auto& w : wanted) {
    if (!w.address) {
      continue;
    }
    const SubnetInfo* subnet = nullptr;
    if (w.subnet_id) {
      subnet = &find_subnet(*w.subnet_id);
    } else {
      for (const auto& candidate : subnets) {
        if (candidate.cidr.contains(*w.address)) {
          subnet = &candidate;
        }
      }
      if (subnet == nullptr) {
        throw api::bad_request("IP address " + w.address->to_string() +
                                   " is not a valid IP for any of the subnets on the specified "
                                   "network.",
                               "InvalidIpForNetwork");
      }
    }
    if (is_automatic(*subnet, port)) {
      // Re-stating the port's own EUI-64 address (an update listing every address) is fine.
      if (*w.address == ipam::eui64_address(subnet->cidr, port.mac)) {
        continue;
      }
      throw api::bad_request("IPv6 address " + w.address->to_string() +
                                 " cannot be directly assigned to a port on subnet " + subnet->id +
                                 " as the subnet is configured for automatic "
                                 "addresses",
                             "AllocationOnAutoAddressSubnet");
    }
    insert_exact(s, port_id, *subnet, *w.address);
    claimed.insert(w.address->to_string());
  }
  for (const auto& w : wanted) {
    if (w.address) {
      continue;
    }
    const SubnetInfo& subnet = find_subnet(*w.subnet_id);
    if (is_automatic(subnet, port)) {
      continue;  // the EUI-64 pass below gives it
    }
    // On update, a subnet-only entry keeps the address the port already has there.
    const auto kept = std::find_if(previous.begin(), previous.end(), [&](const FixedIp& p) {
      return p.subnet_id == subnet.id && !claimed.contains(p.ip_address);
    });
    if (kept != previous.end()) {
      insert(s, port_id, subnet, *ipam::IpAddress::parse(kept->ip_address));
      claimed.insert(kept->ip_address);
      continue;
    }
    const auto picked = insert_any(s, port_id, subnet);
    if (!picked) {
      // Neutron names the network even when the request named the subnet.
      throw api::conflict("IpAddressGenerationFailure",
                          "No more IP addresses available on network " + network_id + ".");
    }
    claimed.insert(picked->to_string());
  }
  return add_automatic();
}

}  // namespace neutrino::neutron
