#include "agent/app/ovs_session.hpp"

#include "common/log.hpp"

namespace neutrino::agent {

OvsSession::OvsSession(boost::asio::io_context& io, const std::string& target,
                       std::function<void(bool lost)> changed) {
  connection_ = std::make_unique<ovs::OvsdbConnection>(io);
  connection_->connect(target, std::chrono::seconds(5));
  connection_->set_disconnect_handler([this, changed](const std::string& reason) {
    log::warning("lost ovsdb-server: ", reason);
    alive_ = false;
    changed(true);
  });
  client_ = std::make_unique<ovs::OvsdbClient>(*connection_);
  bridges_ = std::make_unique<ovs::BridgeManager>(*client_);
  monitor_ = std::make_unique<ovs::InterfaceMonitor>(
      *client_, [changed](const ovs::InterfaceEvent&) { changed(false); });
}

OvsSession::~OvsSession() {
  monitor_.reset();
  connection_->set_disconnect_handler(nullptr);
  connection_->close();
}

}  // namespace neutrino::agent
