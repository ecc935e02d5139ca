#pragma once
// Reads one object of the desired-state model from the store, as it is now: what the journal
// follower does for each entry. nullopt when the object is gone (or, for an instance, no
// longer to run anywhere). load_all() reads everything, for a fresh model.
#include <functional>
#include <optional>
#include <string>

#include "common/model/address_group.hpp"
#include "controller/fanout/model_records.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::fanout {

std::optional<PortRecord> load_port(store::SqlSession& s, const std::string& id);
std::optional<model::Network> load_network(store::SqlSession& s, const std::string& id);
std::optional<model::Subnet> load_subnet(store::SqlSession& s, const std::string& id);
std::optional<model::SecurityGroup> load_security_group(store::SqlSession& s,
                                                        const std::string& id);
// The tunnel IP the host's agent reported, "" without an agent.
std::string load_tunnel_ip(store::SqlSession& s, const std::string& host);
std::optional<InstanceRecord> load_instance(store::SqlSession& s, const std::string& id);
std::optional<model::AddressGroup> load_address_group(store::SqlSession& s, const std::string& id);

struct ModelVisitor {
  std::function<void(const model::Network&)> network;
  std::function<void(const model::Subnet&)> subnet;
  std::function<void(const model::SecurityGroup&)> group;
  std::function<void(const std::string& host, const std::string& tunnel_ip)> agent;
  std::function<void(const PortRecord&)> port;
  std::function<void(const InstanceRecord&)> instance;
  std::function<void(const model::AddressGroup&)> address_group;
};
// Every object, in that order (ports in bulk: a store may hold hundreds of thousands).
void load_all(store::SqlSession& s, const ModelVisitor& visit);

}  // namespace neutrino::fanout
