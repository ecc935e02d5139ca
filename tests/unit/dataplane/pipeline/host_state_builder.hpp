#pragma once
// Desired state for pipeline tests, spelled as controller/channel/host_state.cpp builds it,
// and decoded as the agent decodes it.
#include <string>
#include <vector>

#include "common/channel/host_state.hpp"
#include "common/model/host_model.hpp"

namespace neutrino::dataplane::pipeline {

class HostStateBuilder {
 public:
  HostStateBuilder& network(const std::string& id, const std::string& type, int segmentation_id,
                            const std::string& physnet = "");
  HostStateBuilder& subnet(const std::string& id, const std::string& network_id,
                           const std::string& cidr);
  // A port bound to this host.
  HostStateBuilder& port(const std::string& id, const std::string& network_id,
                         const std::string& mac, const std::vector<std::string>& ips,
                         bool port_security = true, const std::string& device_owner = "");
  // A port bound to another host, whose agent reported `tunnel_ip`.
  HostStateBuilder& remote(const std::string& id, const std::string& network_id,
                           const std::string& mac, const std::vector<std::string>& ips,
                           const std::string& host, const std::string& tunnel_ip);
  // A "security_group:<id>" object; each rule names only what it sets ({"direction":
  // "ingress", "protocol": 6, ...}); ethertype defaults to IPv4, the rest to null.
  HostStateBuilder& security_group(const std::string& id, const std::vector<Json>& rules);
  // A "remote_group:<id>" object: the addresses of the group's members.
  HostStateBuilder& remote_group(const std::string& id, const std::vector<std::string>& addresses);
  // An "address_group:<id>" object: the group's CIDRs.
  HostStateBuilder& address_group(const std::string& id, const std::vector<std::string>& addresses);
  // Changes one field of an object already added ("port:p1", "admin_state_up", false).
  HostStateBuilder& set(const std::string& key, const std::string& field, Json value);

  const channel::HostState& state() const { return state_; }
  // The state decoded through the model's codecs, as the agent holds it. Decoded anew on each
  // call (into the same object): call again after changing the builder.
  const model::HostModel& model() const;

 private:
  channel::HostState state_;
  mutable model::HostModel model_;
};

// `state` decoded through the model's codecs, as the agent's reconciler decodes what it is
// sent; objects that do not decode are left out.
model::HostModel decoded_model(const channel::HostState& state);

}  // namespace neutrino::dataplane::pipeline
