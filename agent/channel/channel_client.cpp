#include "agent/channel/channel_client.hpp"

#include <atomic>
#include <deque>

#include "common/channel/frame_codec.hpp"
#include "common/channel/hmac_signer.hpp"
#include "common/log.hpp"

namespace neutrino::agent {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

class ChannelClient::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(asio::io_context& io, ChannelClientOptions options, ChannelCallbacks callbacks)
      : io_(io),
        options_(std::move(options)),
        callbacks_(std::move(callbacks)),
        socket_(io),
        retry_timer_(io),
        heartbeat_timer_(io),
        backoff_(options_.min_backoff) {}

  void start() {
    stopped_ = false;
    connect();
  }

  void stop() {
    stopped_ = true;
    retry_timer_.cancel();
    heartbeat_timer_.cancel();
    boost::system::error_code ignored;
    socket_.close(ignored);
  }

  void acknowledge(int64_t revision, std::vector<std::string> up, std::vector<std::string> down) {
    last_applied_ = revision;
    if (established_) {
      send({{"type", "ack"}, {"revision", revision}, {"ports_up", up}, {"ports_down", down}});
    }
  }

  std::atomic<int64_t> last_applied_{0};

 private:
  void connect() {
    if (stopped_) {
      return;
    }
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(options_.controller_host, ec);
    if (ec) {
      disconnected("bad controller address " + options_.controller_host);
      return;
    }
    socket_ = tcp::socket(io_);
    socket_.async_connect(tcp::endpoint(address, options_.controller_port),
                          [self = shared_from_this()](const boost::system::error_code& e) {
                            if (e) {
                              self->disconnected("connect: " + e.message());
                              return;
                            }
                            self->socket_.set_option(tcp::no_delay(true));
                            self->decoder_ = channel::FrameDecoder();
                            self->read();
                          });
  }

  void disconnected(const std::string& reason) {
    const bool was_established = established_;
    established_ = false;
    heartbeat_timer_.cancel();
    outbox_.clear();
    boost::system::error_code ignored;
    socket_.close(ignored);
    if (was_established && callbacks_.on_disconnected) {
      callbacks_.on_disconnected(reason);
    }
    if (stopped_) {
      return;
    }
    log::debug("agent channel: ", reason, "; retrying in ", backoff_.count(), " ms");
    retry_timer_.expires_after(backoff_);
    backoff_ = std::min(backoff_ * 2, options_.max_backoff);
    retry_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& e) {
      if (!e) {
        self->connect();
      }
    });
  }

  void read() {
    socket_.async_read_some(
        asio::buffer(buffer_),
        [self = shared_from_this()](const boost::system::error_code& ec, size_t n) {
          if (ec) {
            self->disconnected("read: " + ec.message());
            return;
          }
          try {
            self->decoder_.feed(std::string_view(self->buffer_.data(), n));
            while (auto message = self->decoder_.next()) {
              self->handle(*message);
            }
          } catch (const std::exception& e) {
            self->disconnected(std::string("protocol: ") + e.what());
            return;
          }
          self->read();
        });
  }

  void handle(const Json& message) {
    const std::string type = message.value("type", "");
    if (type == "challenge") {
      Json hello = options_.identity;
      hello["type"] = "hello";
      hello["last_revision"] = last_applied_.load();
      hello["signature"] =
          channel::HmacSigner(options_.secret)
              .sign(message.value("nonce", "") + "|" + options_.identity.value("host", ""));
      send(hello);
    } else if (type == "refused") {
      log::error("agent channel: controller refused this agent: ",
                 message.value("reason", "no reason given"));
    } else if (type == "snapshot") {
      state_.clear();
      for (const auto& [key, object] : message.at("state").items()) {
        state_[key] = object;
      }
      heartbeat_seconds_ = message.value("heartbeat_seconds", 10);
      established_ = true;
      backoff_ = options_.min_backoff;
      schedule_heartbeat();
      if (callbacks_.on_connected) {
        callbacks_.on_connected();
      }
      callbacks_.on_state(state_, message.value("revision", int64_t{0}));
    } else if (type == "delta") {
      channel::apply_host_delta(state_, message);
      callbacks_.on_state(state_, message.value("revision", int64_t{0}));
    }
    // "heartbeat" needs no answer: any traffic proves the peer alive.
  }

  void schedule_heartbeat() {
    heartbeat_timer_.expires_after(std::chrono::seconds(heartbeat_seconds_));
    heartbeat_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& e) {
      if (e || !self->established_) {
        return;
      }
      self->send({{"type", "heartbeat"}});
      self->schedule_heartbeat();
    });
  }

  void send(const Json& message) {
    outbox_.push_back(channel::encode_frame(message));
    if (outbox_.size() == 1) {
      write_next();
    }
  }

  void write_next() {
    asio::async_write(socket_, asio::buffer(outbox_.front()),
                      [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
                        if (ec) {
                          self->disconnected("write: " + ec.message());
                          return;
                        }
                        if (!self->outbox_.empty()) {
                          self->outbox_.pop_front();
                        }
                        if (!self->outbox_.empty()) {
                          self->write_next();
                        }
                      });
  }

  asio::io_context& io_;
  ChannelClientOptions options_;
  ChannelCallbacks callbacks_;
  tcp::socket socket_;
  asio::steady_timer retry_timer_;
  asio::steady_timer heartbeat_timer_;
  std::chrono::milliseconds backoff_;
  channel::FrameDecoder decoder_;
  std::array<char, 16384> buffer_{};
  std::deque<std::string> outbox_;
  channel::HostState state_;
  int heartbeat_seconds_ = 10;
  bool established_ = false;
  bool stopped_ = true;
};

ChannelClient::ChannelClient(asio::io_context& io, ChannelClientOptions options,
                             ChannelCallbacks callbacks)
    : io_(io), impl_(std::make_shared<Impl>(io, std::move(options), std::move(callbacks))) {}

// Every entry point hops onto the io_context, so Impl is only ever touched from its thread.
ChannelClient::~ChannelClient() {
  stop();
}

void ChannelClient::start() {
  asio::post(io_, [impl = impl_] { impl->start(); });
}

void ChannelClient::stop() {
  asio::post(io_, [impl = impl_] { impl->stop(); });
}

void ChannelClient::acknowledge(int64_t revision, std::vector<std::string> ports_up,
                                std::vector<std::string> ports_down) {
  asio::post(io_, [impl = impl_, revision, up = std::move(ports_up),
                   down = std::move(ports_down)]() mutable {
    impl->acknowledge(revision, std::move(up), std::move(down));
  });
}

int64_t ChannelClient::last_applied_revision() const {
  return impl_->last_applied_.load();
}

}  // namespace neutrino::agent
