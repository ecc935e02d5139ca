#include "tests/unit/controller/channel/compute_test_agent.hpp"

#include <sys/socket.h>

#include "common/channel/hmac_signer.hpp"

namespace neutrino::testing {

namespace asio = boost::asio;

ComputeTestAgent::ComputeTestAgent(uint16_t port, const std::string& host,
                                   const std::string& secret, const Json& compute)
    : host_(host), secret_(secret), compute_(compute) {
  socket_.connect({asio::ip::make_address("127.0.0.1"), port});
  reader_ = std::thread([this] { read_loop(); });
}

ComputeTestAgent::~ComputeTestAgent() {
  // Wakes read_loop() from its read_some: shut the kernel socket down through its descriptor,
  // since socket_ is the reader's until it is joined (closing it here raced with the read).
  ::shutdown(socket_.native_handle(), SHUT_RDWR);
  reader_.join();
  boost::system::error_code ignored;
  socket_.close(ignored);
}

void ComputeTestAgent::send(const Json& message) {
  const std::string frame = channel::encode_frame(message);
  std::lock_guard lock(write_mutex_);
  boost::system::error_code ignored;
  asio::write(socket_, asio::buffer(frame), ignored);
}

void ComputeTestAgent::read_loop() {
  channel::FrameDecoder decoder;
  char buffer[16384];
  for (;;) {
    boost::system::error_code ec;
    const size_t n = socket_.read_some(asio::buffer(buffer), ec);
    if (ec) {
      return;
    }
    decoder.feed(std::string_view(buffer, n));
    while (auto message = decoder.next()) {
      handle(*message);
    }
  }
}

void ComputeTestAgent::handle(const Json& message) {
  const std::string type = message.value("type", "");
  if (type == "challenge") {
    Json hello = {
        {"type", "hello"},
        {"host", host_},
        {"tunnel_ip", "192.0.2.21"},
        {"datapath_type", "netdev"},
        {"signature", channel::HmacSigner(secret_).sign(message.value("nonce", "") + "|" + host_)}};
    if (!compute_.is_null()) {
      hello["compute"] = compute_;
    }
    send(hello);
  } else if (type == "heartbeat") {
    send({{"type", "heartbeat"}});
  } else if (type == "snapshot" || type == "delta") {
    std::lock_guard lock(mutex_);
    if (type == "snapshot") {
      state_.clear();
      for (const auto& [key, object] : message["state"].items()) {
        state_[key] = object;
      }
    } else {
      channel::apply_host_delta(state_, message);
    }
    revision_ = message.value("revision", int64_t{0});
    changed_.notify_all();
  } else if (type == "console_log_request") {
    std::function<Json(const Json&)> answer;
    {
      std::lock_guard lock(mutex_);
      answer = console_;
    }
    if (answer) {
      Json reply = answer(message);
      if (!reply.is_null()) {
        reply["type"] = "console_log";
        reply["request_id"] = message["request_id"];
        send(reply);
      }
    }
  }
}

bool ComputeTestAgent::wait_for(const std::function<bool(const channel::HostState&)>& ready,
                                std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return revision_ > 0 && ready(state_); });
}

void ComputeTestAgent::ack() {
  int64_t revision = 0;
  {
    std::lock_guard lock(mutex_);
    revision = revision_;
  }
  send({{"type", "ack"},
        {"revision", revision},
        {"ports_up", Json::array()},
        {"ports_down", Json::array()}});
}

void ComputeTestAgent::on_console(std::function<Json(const Json&)> answer) {
  std::lock_guard lock(mutex_);
  console_ = std::move(answer);
}

}  // namespace neutrino::testing
