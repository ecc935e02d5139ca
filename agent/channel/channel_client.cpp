#include "agent/channel/channel_client.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <atomic>
#include <deque>
#include <optional>
#include <stdexcept>

#include "common/channel/channel_stream.hpp"
#include "common/channel/frame_codec.hpp"
#include "common/channel/hmac_signer.hpp"
#include "common/log.hpp"
#include "common/random.hpp"

namespace neutrino::agent {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

class ChannelClient::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(asio::io_context& io, ChannelClientOptions options, ChannelCallbacks callbacks)
      : io_(io),
        options_(std::move(options)),
        callbacks_(std::move(callbacks)),
        failover_(
            options_.controllers, options_.min_backoff, options_.max_backoff,
            options_.uniform ? options_.uniform : ControllerFailover::Uniform(random::uniform)),
        resolver_(io),
        retry_timer_(io),
        heartbeat_timer_(io),
        liveness_timer_(io) {
    if (!options_.tls.ca_file.empty()) {
      tls_.emplace(channel::make_client_tls(options_.tls));
    } else if (!options_.tls.cert_file.empty() || !options_.tls.key_file.empty()) {
      throw std::runtime_error(
          "controller channel: a client certificate needs TLS, which needs the controller's CA");
    }
  }

  void start() {
    stopped_ = false;
    connect();
  }

  void stop() {
    stopped_ = true;
    resolver_.cancel();
    retry_timer_.cancel();
    heartbeat_timer_.cancel();
    liveness_timer_.cancel();
    if (stream_) {
      stream_->close();  // the pending read fails and reports the disconnection
    }
  }

  void send_if_established(const Json& message) {
    if (established_) {
      send(message);
    }
  }

  void acknowledge(int64_t revision, std::vector<std::string> up, std::vector<std::string> down) {
    last_applied_ = revision;
    if (established_) {
      send({{"type", "ack"}, {"revision", revision}, {"ports_up", up}, {"ports_down", down}});
    }
  }

  std::atomic<int64_t> last_applied_{0};

 private:
  using Stream = std::shared_ptr<channel::ChannelStream>;

  // Every connection attempt gets a fresh stream, and each handler holds the stream it was
  // started on: that keeps an SSL stream alive under its pending operations, and a handler
  // whose stream is no longer current knows the failure it reports is already dealt with.
  void connect() {
    if (stopped_) {
      return;
    }
    const ControllerAddress& controller = failover_.current();
    resolver_.async_resolve(
        controller.host, std::to_string(controller.port), tcp::resolver::numeric_service,
        [self = shared_from_this()](const boost::system::error_code& ec,
                                    const tcp::resolver::results_type& endpoints) {
          if (self->stopped_) {
            return;
          }
          if (ec) {
            self->complain("cannot resolve " + self->failover_.current().host + ": " +
                           ec.message());
            self->disconnected("resolve: " + ec.message());
            return;
          }
          self->open(endpoints);
        });
  }

  void open(const tcp::resolver::results_type& endpoints) {
    Stream stream = tls_ ? std::make_shared<channel::ChannelStream>(tcp::socket(io_), *tls_)
                         : std::make_shared<channel::ChannelStream>(tcp::socket(io_));
    if (tls_) {
      channel::expect_server_name(stream->ssl(), failover_.current().host);
    }
    stream_ = stream;
    challenged_ = false;
    expect_traffic_within(options_.connect_timeout);
    asio::async_connect(stream->socket(), endpoints,
                        [self = shared_from_this(), stream](const boost::system::error_code& ec,
                                                            const tcp::endpoint&) {
                          if (stream != self->stream_) {
                            return;
                          }
                          if (ec) {
                            self->disconnected("connect: " + ec.message());
                            return;
                          }
                          boost::system::error_code ignored;
                          stream->socket().set_option(tcp::no_delay(true), ignored);
                          stream->async_handshake(
                              asio::ssl::stream_base::client,
                              [self, stream](const boost::system::error_code& e) {
                                self->on_handshake(stream, e);
                              });
                        });
  }

  void on_handshake(const Stream& stream, const boost::system::error_code& ec) {
    if (stream != stream_) {
      return;
    }
    if (ec) {
      // A plain channel answers our ClientHello with its challenge frame.
      const bool plain_peer = ec.category() == asio::error::get_ssl_category() &&
                              ERR_GET_REASON(ec.value()) == SSL_R_WRONG_VERSION_NUMBER;
      const std::string reason =
          "TLS handshake with the controller at " + failover_.current().to_string() +
          " failed: " + channel::describe_tls_error(ec, stream->ssl()) +
          (plain_peer ? " (is its channel plain TCP? it needs --agent-tls-cert)" : "");
      complain(reason);
      disconnected(reason);
      return;
    }
    decoder_ = channel::FrameDecoder();
    read();
  }

  // Problems only the operator can fix (certificates, names, TLS on one end only) are
  // warnings, once per distinct reason so the retry loop does not flood the log.
  void complain(const std::string& reason) {
    if (stopped_ || reason == last_complaint_) {
      return;
    }
    last_complaint_ = reason;
    log::warning("agent channel: ", reason, "; retrying");
  }

  // A controller that falls silent (hung, or a half-open connection after a crash on another
  // machine) is as lost as one that closed: nothing for `within` ends the session. Every read
  // pushes the deadline out again.
  void expect_traffic_within(std::chrono::milliseconds within) {
    liveness_timer_.expires_after(within);
    liveness_timer_.async_wait([self = shared_from_this(),
                                stream = stream_](const boost::system::error_code& ec) {
      if (ec || stream != self->stream_) {
        return;
      }
      self->disconnected(self->established_
                             ? "heartbeat timeout: nothing from the controller in " +
                                   std::to_string(3 * self->heartbeat_seconds_) + " s"
                             : "no answer from the controller in " +
                                   std::to_string(self->options_.connect_timeout.count()) + " ms");
    });
  }

  void disconnected(const std::string& reason) {
    const bool was_established = established_;
    const std::string controller = failover_.current().to_string();
    established_ = false;
    writing_ = false;
    heartbeat_timer_.cancel();
    liveness_timer_.cancel();
    outbox_.clear();
    if (stream_) {
      stream_->close();
      stream_.reset();  // late handlers of this connection now see they are stale
    }
    if (was_established && callbacks_.on_disconnected) {
      callbacks_.on_disconnected(reason);
    }
    if (stopped_) {
      return;
    }
    const std::chrono::milliseconds wait = failover_.failed();
    const std::string next = failover_.current().to_string();
    if (was_established) {  // a failover the operator should hear of; retries are noise
      log::warning("agent channel: lost ", controller, " (", reason, "); trying ", next, " in ",
                   wait.count(), " ms");
    } else {
      log::debug("agent channel: ", controller, ": ", reason, "; trying ", next, " in ",
                 wait.count(), " ms");
    }
    retry_timer_.expires_after(wait);
    retry_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& e) {
      if (!e) {
        self->connect();
      }
    });
  }

  void read() {
    stream_->async_read_some(asio::buffer(buffer_), [self = shared_from_this(), stream = stream_](
                                                        const boost::system::error_code& ec,
                                                        size_t n) {
      if (stream != self->stream_) {
        return;
      }
      if (ec) {
        if (!self->challenged_) {
          // A TLS controller closes a plain connection; a TLS one that rejects our
          // certificate says so in an alert that surfaces here.
          self->complain(
              "the controller closed the connection before its challenge: " +
              channel::describe_tls_error(ec, stream->ssl()) +
              (stream->tls() ? "" : " (does it require TLS? give the agent --controller-ca)"));
        }
        self->disconnected("read: " + ec.message());
        return;
      }
      self->expect_traffic_within(self->established_
                                      ? std::chrono::milliseconds(3000 * self->heartbeat_seconds_)
                                      : self->options_.connect_timeout);
      try {
        self->decoder_.feed(std::string_view(self->buffer_.data(), n));
        while (auto message = self->decoder_.next()) {
          self->handle(*message);
          if (stream != self->stream_) {
            return;
          }
        }
      } catch (const std::exception& e) {
        self->disconnected(std::string("protocol: ") + e.what());
        return;
      }
      self->read();
    });
  }

  // A snapshot as the delta from the state this client knows of to it.
  Json snapshot_delta(const Json& objects) const {
    Json remove = Json::array();
    for (const auto& key : keys_) {
      if (!objects.contains(key)) {
        remove.push_back(key);
      }
    }
    return {{"set", objects}, {"remove", std::move(remove)}};
  }

  void note_keys(const Json& delta) {
    for (const auto& item : delta.at("set").items()) {
      keys_.insert(item.key());
    }
    for (const auto& key : delta.at("remove")) {
      keys_.erase(key.get<std::string>());
    }
  }

  void handle(const Json& message) {
    const std::string type = message.value("type", "");
    if (type == "challenge") {
      challenged_ = true;
      Json hello = options_.identity;
      hello["type"] = "hello";
      hello["last_revision"] = last_applied_.load();
      if (options_.decorate_hello) {
        options_.decorate_hello(hello);
      }
      hello["signature"] =
          channel::HmacSigner(options_.secret)
              .sign(message.value("nonce", "") + "|" + options_.identity.value("host", ""));
      send(hello);
    } else if (type == "refused") {
      const std::string reason = message.value("reason", "no reason given");
      log::error("agent channel: the controller at ", failover_.current().to_string(),
                 " refused this agent: ", reason);
      disconnected("refused: " + reason);
    } else if (!established_ && (type == "snapshot" || type == "delta")) {
      // The first state after a hello: a snapshot, or (the controller still knew the revision
      // this agent applied) only the changes since, on top of the state it kept.
      const Json delta = type == "snapshot" ? snapshot_delta(message.at("state")) : message;
      note_keys(delta);
      heartbeat_seconds_ = std::max(1, message.value("heartbeat_seconds", heartbeat_seconds_));
      established_ = true;
      failover_.connected();
      last_complaint_.clear();
      schedule_heartbeat();
      expect_traffic_within(std::chrono::milliseconds(3000 * heartbeat_seconds_));
      if (callbacks_.on_connected) {
        callbacks_.on_connected(failover_.current());
      }
      callbacks_.on_state(delta, message.value("revision", int64_t{0}));
    } else if (type == "delta") {
      note_keys(message);
      callbacks_.on_state(message, message.value("revision", int64_t{0}));
    } else if (type != "heartbeat" && callbacks_.on_message) {
      callbacks_.on_message(message);
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
    if (!stream_) {
      return;
    }
    outbox_.push_back(channel::encode_frame(message));
    if (!writing_) {
      write_next();
    }
  }

  // The frame in flight is owned by its handler: disconnected() may clear the outbox while an
  // SSL write still refers to it.
  void write_next() {
    auto frame = std::make_shared<const std::string>(std::move(outbox_.front()));
    outbox_.pop_front();
    writing_ = true;
    stream_->async_write(asio::buffer(*frame), [self = shared_from_this(), stream = stream_, frame](
                                                   const boost::system::error_code& ec, size_t) {
      if (stream != self->stream_) {
        return;
      }
      self->writing_ = false;
      if (ec) {
        self->disconnected("write: " + ec.message());
        return;
      }
      if (!self->outbox_.empty()) {
        self->write_next();
      }
    });
  }

  asio::io_context& io_;
  ChannelClientOptions options_;
  ChannelCallbacks callbacks_;
  std::optional<asio::ssl::context> tls_;  // set: connect with TLS
  ControllerFailover failover_;
  tcp::resolver resolver_;
  Stream stream_;  // the current connection attempt; null between attempts
  asio::steady_timer retry_timer_;
  asio::steady_timer heartbeat_timer_;
  asio::steady_timer liveness_timer_;  // see expect_traffic_within()
  channel::FrameDecoder decoder_;
  std::array<char, 16384> buffer_{};
  std::deque<std::string> outbox_;
  std::set<std::string> keys_;  // of the desired state delivered so far
  std::string last_complaint_;
  int heartbeat_seconds_ = 10;
  bool challenged_ = false;  // the controller spoke on this connection
  bool writing_ = false;
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

void ChannelClient::request_dhcp_ports(std::vector<std::string> networks) {
  asio::post(io_, [impl = impl_, networks = std::move(networks)] {
    impl->send_if_established({{"type", "dhcp_ports"}, {"networks", networks}});
  });
}

void ChannelClient::acknowledge(int64_t revision, std::vector<std::string> ports_up,
                                std::vector<std::string> ports_down) {
  asio::post(io_, [impl = impl_, revision, up = std::move(ports_up),
                   down = std::move(ports_down)]() mutable {
    impl->acknowledge(revision, std::move(up), std::move(down));
  });
}

void ChannelClient::send(Json message) {
  asio::post(io_,
             [impl = impl_, message = std::move(message)] { impl->send_if_established(message); });
}

int64_t ChannelClient::last_applied_revision() const {
  return impl_->last_applied_.load();
}

}  // namespace neutrino::agent
