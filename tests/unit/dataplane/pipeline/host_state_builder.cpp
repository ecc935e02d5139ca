#include "tests/unit/dataplane/pipeline/host_state_builder.hpp"

namespace neutrino::dataplane::pipeline {
namespace {

Json fixed_ips(const std::vector<std::string>& ips) {
  Json out = Json::array();
  for (const auto& ip : ips) {
    out.push_back({{"subnet_id", ip.find(':') == std::string::npos ? "sub-v4" : "sub-v6"},
                   {"ip_address", ip}});
  }
  return out;
}

}  // namespace

HostStateBuilder& HostStateBuilder::network(const std::string& id, const std::string& type,
                                            int segmentation_id, const std::string& physnet) {
  state_["network:" + id] = {
      {"id", id},
      {"mtu", type == "vxlan" ? 1450 : 1500},
      {"admin_state_up", true},
      {"network_type", type},
      {"physical_network", physnet.empty() ? Json(nullptr) : Json(physnet)},
      {"segmentation_id", segmentation_id ? Json(segmentation_id) : Json(nullptr)}};
  return *this;
}

HostStateBuilder& HostStateBuilder::subnet(const std::string& id, const std::string& network_id,
                                           const std::string& cidr) {
  state_["subnet:" + id] = {{"id", id},
                            {"network_id", network_id},
                            {"cidr", cidr},
                            {"gateway_ip", nullptr},
                            {"enable_dhcp", true},
                            {"ip_version", 4},
                            {"dns_nameservers", Json::array()},
                            {"host_routes", Json::array()}};
  return *this;
}

HostStateBuilder& HostStateBuilder::port(const std::string& id, const std::string& network_id,
                                         const std::string& mac,
                                         const std::vector<std::string>& ips, bool port_security,
                                         const std::string& device_owner) {
  state_["port:" + id] = {{"id", id},
                          {"network_id", network_id},
                          {"mac_address", mac},
                          {"admin_state_up", true},
                          {"port_security_enabled", port_security},
                          {"device_owner", device_owner},
                          {"device_id", "vm-" + id},
                          {"project_id", "project"},
                          {"fixed_ips", fixed_ips(ips)},
                          {"security_groups", Json::array()},
                          {"allowed_address_pairs", Json::array()},
                          {"extra_dhcp_opts", Json::array()}};
  return *this;
}

HostStateBuilder& HostStateBuilder::remote(const std::string& id, const std::string& network_id,
                                           const std::string& mac,
                                           const std::vector<std::string>& ips,
                                           const std::string& host, const std::string& tunnel_ip) {
  state_["remote:" + id] = {{"id", id},
                            {"network_id", network_id},
                            {"mac_address", mac},
                            {"host", host},
                            {"tunnel_ip", tunnel_ip},
                            {"fixed_ips", fixed_ips(ips)},
                            {"allowed_address_pairs", Json::array()}};
  return *this;
}

HostStateBuilder& HostStateBuilder::security_group(const std::string& id,
                                                   const std::vector<Json>& rules) {
  Json list = Json::array();
  int n = 0;
  for (const auto& rule : rules) {
    Json full = {{"id", id + "-r" + std::to_string(n++)},
                 {"direction", "ingress"},
                 {"ethertype", "IPv4"},
                 {"protocol", nullptr},
                 {"port_range_min", nullptr},
                 {"port_range_max", nullptr},
                 {"remote_ip_prefix", nullptr},
                 {"remote_group_id", nullptr},
                 {"remote_address_group_id", nullptr}};
    full.update(rule);
    list.push_back(full);
  }
  state_["security_group:" + id] = {{"id", id}, {"stateful", true}, {"rules", list}};
  return *this;
}

HostStateBuilder& HostStateBuilder::remote_group(const std::string& id,
                                                 const std::vector<std::string>& addresses) {
  state_["remote_group:" + id] = {{"id", id}, {"addresses", addresses}};
  return *this;
}

HostStateBuilder& HostStateBuilder::address_group(const std::string& id,
                                                  const std::vector<std::string>& addresses) {
  state_["address_group:" + id] = {{"id", id}, {"addresses", addresses}};
  return *this;
}

HostStateBuilder& HostStateBuilder::set(const std::string& key, const std::string& field,
                                        Json value) {
  state_.at(key)[field] = std::move(value);
  return *this;
}

const model::HostModel& HostStateBuilder::model() const {
  model_ = decoded_model(state_);
  return model_;
}

model::HostModel decoded_model(const channel::HostState& state) {
  model::HostModel out;
  for (const auto& [key, object] : state) {
    out.apply(key, &object);
  }
  return out;
}

}  // namespace neutrino::dataplane::pipeline
