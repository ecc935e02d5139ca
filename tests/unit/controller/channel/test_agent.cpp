#include "tests/unit/controller/channel/test_agent.hpp"

#include <algorithm>

namespace neutrino::testing {

agent::ChannelClientOptions TestAgent::options(uint16_t port, const std::string& host,
                                               const std::string& secret,
                                               const std::string& tunnel_ip) {
  agent::ChannelClientOptions options;
  options.controllers = {{"127.0.0.1", port}};
  options.secret = secret;
  options.identity = {{"host", host}, {"tunnel_ip", tunnel_ip}, {"datapath_type", "netdev"}};
  return options;
}

TestAgent::TestAgent(agent::ChannelClientOptions options) {
  client_ = std::make_unique<agent::ChannelClient>(
      io_, std::move(options),
      agent::ChannelCallbacks{[this](const Json& delta, int64_t revision) {
                                std::lock_guard lock(mutex_);
                                channel::apply_host_delta(state_, delta);
                                revision_ = revision;
                                events_.push_back("state " + std::to_string(state_.size()));
                                changed_.notify_all();
                              },
                              [this](const agent::ControllerAddress& controller) {
                                std::lock_guard lock(mutex_);
                                events_.push_back("connected " + controller.to_string());
                                changed_.notify_all();
                              },
                              [this](const std::string& reason) {
                                std::lock_guard lock(mutex_);
                                events_.push_back("lost " + reason);
                                changed_.notify_all();
                              },
                              nullptr});
  client_->start();
  thread_ = std::thread([this] { io_.run(); });
}

TestAgent::~TestAgent() {
  client_->stop();
  io_.stop();
  thread_.join();
}

bool TestAgent::wait_for(const std::function<bool(const channel::HostState&)>& ready,
                         std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return revision_ > 0 && ready(state_); });
}

bool TestAgent::connected_within(std::chrono::milliseconds timeout) {
  return wait_for([](const channel::HostState&) { return true; }, timeout);
}

std::vector<std::string> TestAgent::events() {
  std::lock_guard lock(mutex_);
  return events_;
}

bool TestAgent::wait_events(const std::function<bool(const std::vector<std::string>&)>& ready,
                            std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return ready(events_); });
}

bool TestAgent::wait_connected_to(const std::string& controller, std::chrono::milliseconds timeout,
                                  int times) {
  return wait_events(
      [&](const std::vector<std::string>& events) {
        return std::count(events.begin(), events.end(), "connected " + controller) >= times;
      },
      timeout);
}

void TestAgent::ack(std::vector<std::string> up) {
  std::lock_guard lock(mutex_);
  client_->acknowledge(revision_, std::move(up), {});
}

}  // namespace neutrino::testing
