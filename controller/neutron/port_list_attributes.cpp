#include "controller/neutron/port_list_attributes.hpp"

#include "controller/neutron/allowed_address_pairs.hpp"
#include "controller/neutron/extra_dhcp_opts.hpp"
#include "controller/neutron/port_security_groups.hpp"
#include "controller/neutron/tag_store.hpp"

namespace neutrino::neutron {
namespace {

std::map<std::string, Json> load_fixed_ips(store::SqlSession& s, const IdSelection& ports) {
  std::map<std::string, Json> out;
  for (const auto& r : s.query("SELECT port_id, subnet_id, ip_address FROM ipallocations" +
                                   ports.clause("WHERE", "port_id") + " ORDER BY port_id, position",
                               ports.params())) {
    out[r.text(0)].push_back({{"subnet_id", r.text(1)}, {"ip_address", r.text(2)}});
  }
  return out;
}

template <typename Lists>
Json listed(const Lists& lists, const std::string& port_id) {
  const auto found = lists.find(port_id);
  return found == lists.end() ? Json::array() : Json(found->second);
}

}  // namespace

PortListAttributes PortListAttributes::load(store::SqlSession& s, const IdSelection& ports) {
  PortListAttributes out;
  out.fixed_ips_ = load_fixed_ips(s, ports);
  out.security_groups_ = PortSecurityGroups::load(s, ports);
  out.address_pairs_ = AllowedAddressPairs::load(s, ports);
  out.dhcp_options_ = ExtraDhcpOpts::load(s, ports);
  out.tags_ = TagStore::load_for(s, "ports", ports);
  return out;
}

void PortListAttributes::show(const std::string& port_id, Json& port) const {
  port["fixed_ips"] = listed(fixed_ips_, port_id);
  port["security_groups"] = listed(security_groups_, port_id);
  port["allowed_address_pairs"] = listed(address_pairs_, port_id);
  port["extra_dhcp_opts"] = listed(dhcp_options_, port_id);
  port["tags"] = listed(tags_, port_id);
}

}  // namespace neutrino::neutron
