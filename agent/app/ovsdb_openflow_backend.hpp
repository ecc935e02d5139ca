#pragma once
// The real OvsBackend: an OvsSession (ovsdb-server connection, bridge manager, interface
// monitor) and one OpenFlow session per bridge over its management socket. A lost session is
// dropped and reported through the event handler; the next call reconnects.
#include <map>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "agent/app/ovs_backend.hpp"
#include "agent/app/ovs_session.hpp"
#include "dataplane/openflow/openflow_connection.hpp"

namespace neutrino::agent {

class OvsdbOpenFlowBackend : public OvsBackend {
 public:
  // `ovsdb` is ovsdb-server's target ("unix:/run/openvswitch/db.sock"), `rundir` the
  // directory holding the bridges' <bridge>.mgmt sockets. `events` runs on I/O threads.
  OvsdbOpenFlowBackend(boost::asio::io_context& io, std::string ovsdb, std::string rundir,
                       OvsEventHandler events);
  ~OvsdbOpenFlowBackend() override;

  bool connect() override;
  bool ensure_bridge(const std::string& name, const ovs::BridgeSpec& spec) override;
  bool ensure_port(const std::string& bridge, const ovs::PortSpec& spec) override;
  bool delete_port(const std::string& bridge, const std::string& port) override;
  std::vector<ovs::PortInfo> list_ports(const std::string& bridge) override;
  void wait_applied() override;
  std::vector<std::string> dump_flows(const std::string& bridge, std::uint64_t cookie) override;
  void apply_bundle(const std::string& bridge,
                    const std::vector<dataplane::openflow::FlowChange>& changes) override;
  void delete_flows(const std::string& bridge, const std::string& match) override;
  void flush_conntrack_zone(const std::string& bridge, std::uint16_t zone) override;
  void packet_out(const std::string& bridge, const std::string& text) override;
  void flush_conntrack(const std::string& bridge, std::uint16_t zone,
                       const std::string& orig_tuple) override;

 private:
  ovs::BridgeManager& bridges();
  dataplane::openflow::OpenFlowConnection& openflow(const std::string& bridge);

  boost::asio::io_context& io_;
  const std::string ovsdb_;
  const std::string rundir_;
  OvsEventHandler events_;
  std::unique_ptr<OvsSession> session_;
  std::map<std::string, std::unique_ptr<dataplane::openflow::OpenFlowConnection>> openflow_;
};

}  // namespace neutrino::agent
