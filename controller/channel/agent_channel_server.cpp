#include "controller/channel/agent_channel_server.hpp"

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "common/clock.hpp"
#include "common/log.hpp"
#include "common/thread_role.hpp"
#include "controller/channel/agent_session.hpp"

namespace neutrino::channel {

namespace asio = boost::asio;

class AgentChannelServer::Impl {
 public:
  Impl(ChannelServerOptions options, store::Database& db, const agents::AgentService& agents)
      : options_(std::move(options)),
        context_{io_thread_,
                 db,
                 agents,
                 options_.secret,
                 options_.heartbeat_seconds,
                 [this] {
                   io_thread_.assert_current();
                   return next_revision();
                 },
                 options_.on_dhcp_ports,
                 options_.compute,
                 consoles_},
        acceptor_(io_) {}

  void start() {
    // Until the I/O thread runs, the caller sets up what that thread will own.
    io_thread_.bind_to_this_thread();
    // Before binding: with unusable certificates the controller must not start at all,
    // rather than silently serve agents in the clear.
    if (!options_.tls.cert_file.empty() || !options_.tls.key_file.empty() ||
        !options_.tls.ca_file.empty()) {
      tls_.emplace(make_server_tls(options_.tls));
    }
    asio::ip::tcp::endpoint endpoint(asio::ip::make_address(options_.address), options_.port);
    boost::system::error_code ec;
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec)
      acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec)
      acceptor_.bind(endpoint, ec);
    if (!ec)
      acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      throw std::runtime_error("cannot listen for agents on " + options_.address + ":" +
                               std::to_string(options_.port) + ": " + ec.message());
    }
    port_ = acceptor_.local_endpoint().port();
    accept();
    thread_ = std::thread([this] {
      io_thread_.bind_to_this_thread();
      io_.run();
    });
  }

  void stop() {
    if (!thread_.joinable()) {
      return;
    }
    asio::post(io_, [this] {
      io_thread_.assert_current();
      boost::system::error_code ignored;
      acceptor_.close(ignored);
      auto sessions = sessions_;
      for (auto& [raw, session] : sessions) {
        session->io_thread().assert_current();
        session->close();
      }
      io_.stop();
    });
    thread_.join();
  }

  void notify_change() {
    // Coalesce bursts: one recomputation pass serves every change made before it starts.
    if (pending_.exchange(true)) {
      return;
    }
    asio::post(io_, [this] {
      io_thread_.assert_current();
      pending_ = false;
      for (auto& [raw, session] : sessions_) {
        try {
          session->io_thread().assert_current();
          session->push_changes();
        } catch (const std::exception& e) {
          log::error("agent channel: cannot compute changes: ", e.what());
        }
      }
    });
  }

  uint16_t port() const { return port_; }
  size_t connected() const { return connected_; }

  ConsoleReply console_log(const std::string& host, const std::string& instance_id,
                           std::optional<int64_t> lines, std::chrono::milliseconds timeout) {
    auto [request_id, answer] = consoles_.open(host);
    asio::post(io_, [this, host, instance_id, lines, id = request_id] {
      for (auto& [raw, session] : sessions_) {
        if (session->established() && session->host() == host) {
          session->request_console(id, instance_id, lines);
          return;
        }
      }
      consoles_.fail(id);
    });
    if (answer.wait_for(timeout) != std::future_status::ready) {
      consoles_.cancel(request_id);
      return {ConsoleReply::Status::kTimedOut, "", ""};
    }
    return answer.get();
  }
  bool tls() const { return tls_.has_value(); }

 private:
  // Revisions increase across controller restarts without being stored: microseconds of wall
  // time, bumped when two changes land in the same microsecond.
  int64_t next_revision() REQUIRES(io_thread_) {
    last_revision_ = std::max(last_revision_ + 1, clock::now_unix_micros());
    return last_revision_;
  }

  void accept() REQUIRES(io_thread_) {
    acceptor_.async_accept([this](const boost::system::error_code& ec, asio::ip::tcp::socket s) {
      io_thread_.assert_current();
      if (ec) {
        return;
      }
      boost::system::error_code ignored;
      s.set_option(asio::ip::tcp::no_delay(true), ignored);
      auto stream = tls_ ? std::make_unique<ChannelStream>(std::move(s), *tls_)
                         : std::make_unique<ChannelStream>(std::move(s));
      auto session =
          std::make_shared<AgentSession>(std::move(stream), context_, [this](AgentSession* gone) {
            io_thread_.assert_current();
            sessions_.erase(gone);
            connected_ = sessions_.size();
          });
      sessions_[session.get()] = session;
      connected_ = sessions_.size();
      session->io_thread().assert_current();
      session->start();
      accept();
    });
  }

  // The I/O thread runs the acceptor and every session; what it owns is GUARDED_BY it. Other
  // threads only post to io_ and read the atomics.
  ThreadRole io_thread_;
  ChannelServerOptions options_;
  ConsoleRequests consoles_;  // before context_, which refers to it
  SessionContext context_;
  // Set by start() before the I/O thread runs, read-only after.
  std::optional<asio::ssl::context> tls_;  // set: every connection is TLS
  uint16_t port_ = 0;
  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_ GUARDED_BY(io_thread_);
  std::thread thread_;
  std::map<AgentSession*, std::shared_ptr<AgentSession>> sessions_ GUARDED_BY(io_thread_);
  std::atomic<size_t> connected_{0};
  std::atomic<bool> pending_{false};
  int64_t last_revision_ GUARDED_BY(io_thread_) = 0;
};

AgentChannelServer::AgentChannelServer(ChannelServerOptions options, store::Database& db,
                                       const agents::AgentService& agents)
    : impl_(std::make_unique<Impl>(std::move(options), db, agents)) {}
AgentChannelServer::~AgentChannelServer() {
  stop();
}
void AgentChannelServer::start() {
  impl_->start();
}
void AgentChannelServer::stop() {
  impl_->stop();
}
uint16_t AgentChannelServer::port() const {
  return impl_->port();
}
void AgentChannelServer::notify_change() {
  impl_->notify_change();
}
size_t AgentChannelServer::connected_agents() const {
  return impl_->connected();
}
bool AgentChannelServer::tls() const {
  return impl_->tls();
}
ConsoleReply AgentChannelServer::console_log(const std::string& host,
                                             const std::string& instance_id,
                                             std::optional<int64_t> lines,
                                             std::chrono::milliseconds timeout) {
  return impl_->console_log(host, instance_id, lines, timeout);
}

}  // namespace neutrino::channel
