#include "controller/neutron/port_mac_override.hpp"

#include "common/json.hpp"
#include "common/text_prefix.hpp"
#include "controller/api/api_error.hpp"
#include "controller/ipam/mac_address.hpp"

namespace neutrino::neutron {

std::optional<MacOverride> mac_override(store::SqlSession& s, const std::string& port_id) {
  const auto rows =
      s.query("SELECT vnic_type, profile FROM ml2_port_bindings WHERE port_id = ?", {port_id});
  if (rows.empty() || rows[0].text(0) != "direct-physical") {
    return std::nullopt;
  }
  const Json profile = Json::parse(rows[0].text(1), nullptr, false);
  const auto it = profile.is_object() ? profile.find("device_mac_address") : profile.end();
  if (!profile.is_object() || it == profile.end() || it->is_null() ||
      (it->is_string() && it->get<std::string>().empty())) {
    return MacOverride{std::nullopt};
  }
  const auto mac = it->is_string() ? ipam::MacAddress::parse(it->get<std::string>()) : std::nullopt;
  if (!mac || mac->is_multicast() || mac->to_string() == "00:00:00:00:00:00") {
    throw api::bad_request("Invalid input for binding:profile. Reason: device_mac_address '" +
                           json_prefix(*it) + "' is not a valid MAC address.");
  }
  return MacOverride{mac->to_string()};
}

}  // namespace neutrino::neutron
