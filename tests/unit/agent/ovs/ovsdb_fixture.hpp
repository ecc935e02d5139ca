#pragma once
// A private OVS (OvsSandbox) plus an io thread and a connected OvsdbClient, torn down in the
// safe order: client, connection, sandbox, then the io thread.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "agent/ovs/ovsdb_client.hpp"
#include "agent/ovs/ovsdb_connection.hpp"
#include "tests/support/ovs_sandbox.hpp"

namespace neutrino::agent::ovs::testing {

class IoThread {
 public:
  IoThread() : guard_(io_.get_executor()), thread_([this] { io_.run(); }) {}
  ~IoThread() {
    guard_.reset();
    io_.stop();
    thread_.join();
  }
  boost::asio::io_context& io() { return io_; }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::thread thread_;
};

class OvsdbTest : public ::testing::Test {
 protected:
  OvsdbTest() {
    connection_ = connect();
    client_ = std::make_unique<OvsdbClient>(*connection_);
  }
  ~OvsdbTest() override {
    client_.reset();
    connection_.reset();
  }

  std::unique_ptr<OvsdbConnection> connect(std::string target = "") {
    auto connection = std::make_unique<OvsdbConnection>(io_.io());
    connection->connect(target.empty() ? sandbox_.db_target() : target, std::chrono::seconds(5));
    return connection;
  }

  IoThread io_;
  neutrino::testing::OvsSandbox sandbox_;
  std::unique_ptr<OvsdbConnection> connection_;
  std::unique_ptr<OvsdbClient> client_;
};

}  // namespace neutrino::agent::ovs::testing
