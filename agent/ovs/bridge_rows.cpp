#include "agent/ovs/bridge_rows.hpp"

#include "agent/ovs/ovsdb_datum.hpp"

namespace neutrino::agent::ovs {

BridgeInfo bridge_from_row(const Json& row) {
  BridgeInfo info;
  info.uuid = datum::as_uuid(row.at("_uuid"));
  info.name = row.at("name").get<std::string>();
  info.datapath_type = row.at("datapath_type").get<std::string>();
  info.fail_mode = datum::as_optional_string(row.at("fail_mode"));
  info.protocols = datum::as_string_set(row.at("protocols"));
  info.other_config = datum::as_string_map(row.at("other_config"));
  info.external_ids = datum::as_string_map(row.at("external_ids"));
  return info;
}

PortInfo port_from_row(const Json& row) {
  PortInfo info;
  info.uuid = datum::as_uuid(row.at("_uuid"));
  info.name = row.at("name").get<std::string>();
  info.tag = datum::as_optional_integer(row.at("tag"));
  info.external_ids = datum::as_string_map(row.at("external_ids"));
  return info;
}

InterfaceInfo interface_from_row(const Json& row) {
  InterfaceInfo info;
  info.uuid = datum::as_uuid(row.at("_uuid"));
  info.name = row.at("name").get<std::string>();
  info.type = row.at("type").get<std::string>();
  info.options = datum::as_string_map(row.at("options"));
  info.external_ids = datum::as_string_map(row.at("external_ids"));
  info.ofport = datum::as_optional_integer(row.at("ofport"));
  info.mac_in_use = datum::as_optional_string(row.at("mac_in_use"));
  info.link_state = datum::as_optional_string(row.at("link_state"));
  info.error = datum::as_optional_string(row.at("error"));
  return info;
}

}  // namespace neutrino::agent::ovs
