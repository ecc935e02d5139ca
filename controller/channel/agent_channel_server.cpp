#include "controller/channel/agent_channel_server.hpp"

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "common/clock.hpp"
#include "common/log.hpp"
#include "common/model/wire_schema.hpp"
#include "common/thread_role.hpp"
#include "controller/channel/agent_session.hpp"
#include "controller/channel/host_state.hpp"
#include "controller/channel/reboot_counts.hpp"
#include "controller/fanout/delta_encoder.hpp"
#include "controller/fanout/journal_follower.hpp"
#include "controller/store/journal_wakeup.hpp"

namespace neutrino::channel {

namespace asio = boost::asio;

class AgentChannelServer::Impl {
 public:
  Impl(ChannelServerOptions options, store::Database& db, const agents::AgentService& agents)
      : db_(db),
        options_(std::move(options)),
        context_{io_thread_,
                 db,
                 agents,
                 options_.secret,
                 options_.heartbeat_seconds,
                 options_.max_backlog_bytes,
                 [this](const std::string& host, int64_t last_revision,
                        std::function<void(fanout::HostSync)> done) {
                   follower_.sync(host, last_revision, std::move(done));
                 },
                 [this](std::function<void()> task) { asio::post(io_, std::move(task)); },
                 options_.on_dhcp_ports,
                 options_.compute,
                 consoles_,
                 store_worker_},
        acceptor_(io_),
        follower_(
            db, wakeup_,
            [this](int64_t revision, const fanout::HostDeltas& deltas) {
              fan_out(revision, deltas);
            },
            follower_options(options_)) {
    // Every commit wakes the follower; it finds out from the journal whether it matters.
    db.set_commit_listener([this] { wakeup_.notify(); });
  }
  ~Impl() { db_.set_commit_listener(nullptr); }

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
    // Sessions of a previous run are gone: their agents are chosen again when they reconnect.
    db_.write([&](store::SqlSession& s) { context_.agents.forget_sessions(s); });
    follower_.start();
    accept();
    thread_ = std::thread([this] {
      io_thread_.bind_to_this_thread();
      io_.run();
    });
  }

  void stop() {
    follower_.stop();
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
    store_worker_.stop();
  }

  // The journal may have grown (a commit here, or another controller's NOTIFY).
  void notify_change() { wakeup_.notify(); }

  std::vector<std::string> diverging_hosts() {
    return follower_.diverging_hosts(
        [](store::SqlSession& s, const std::string& host) { return build_host_state(s, host); });
  }
  int64_t revision() const { return follower_.revision(); }

  uint16_t port() const { return port_; }
  size_t connected() const { return connected_; }

  ConsoleReply console_log(const std::string& host, const std::string& instance_id,
                           std::optional<int64_t> lines, std::chrono::milliseconds timeout) {
    auto [request_id, answer] = consoles_.open(host);
    asio::post(io_, [this, host, instance_id, lines, id = request_id] {
      io_thread_.assert_current();
      for (auto& [raw, session] : sessions_) {
        session->io_thread().assert_current();
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
  static fanout::FollowerOptions follower_options(const ChannelServerOptions& options) {
    fanout::FollowerOptions out;
    if (options.full_recompute) {
      out.full_recompute = [](store::SqlSession& s, const std::string& host) {
        return build_host_state(s, host);
      };
    }
    return out;
  }

  // On the follower's thread: encode each host's delta there (each object once for all
  // hosts), then hand the frames to the I/O thread, which only queues them on the sessions.
  void fan_out(int64_t revision, const fanout::HostDeltas& deltas) {
    struct Out {
      std::string frame;
      RebootCounts reboots;  // of the instances it sets
    };
    auto frames = std::make_shared<std::unordered_map<std::string, Out>>();
    fanout::DeltaEncoder encoder;
    for (const auto& [host, changes] : deltas.by_host()) {
      (*frames)[host] = {encoder.frame(changes, revision, kWireSchemaVersion),
                         reboot_counts(changes)};
    }
    asio::post(io_, [this, revision, frames] {
      io_thread_.assert_current();
      // A delivery can close its session (an agent that left too much unread), which erases
      // it from sessions_ at once: walk a copy, as stop() does.
      auto sessions = sessions_;
      for (auto& [raw, session] : sessions) {
        session->io_thread().assert_current();
        if (const auto it = frames->find(session->host()); it != frames->end()) {
          session->deliver(revision, it->second.frame, it->second.reboots);
        }
      }
    });
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

  store::Database& db_;
  // The I/O thread runs the acceptor and every session; what it owns is GUARDED_BY it. The
  // store worker and the follower run their own threads and only post to io_.
  ThreadRole io_thread_;
  ChannelServerOptions options_;
  ConsoleRequests consoles_;  // before context_, which refers to it
  StoreWorker store_worker_;  // likewise
  SessionContext context_;
  // Set by start() before the I/O thread runs, read-only after.
  std::optional<asio::ssl::context> tls_;  // set: every connection is TLS
  uint16_t port_ = 0;
  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_ GUARDED_BY(io_thread_);
  std::thread thread_;
  std::map<AgentSession*, std::shared_ptr<AgentSession>> sessions_ GUARDED_BY(io_thread_);
  std::atomic<size_t> connected_{0};
  store::InProcessJournalWakeup wakeup_;
  fanout::JournalFollower follower_;  // after everything fan_out() uses
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
std::vector<std::string> AgentChannelServer::diverging_hosts() {
  return impl_->diverging_hosts();
}
int64_t AgentChannelServer::revision() const {
  return impl_->revision();
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
