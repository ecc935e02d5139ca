#include "bench/simulated_agents.hpp"

#include <utility>  // before Asio: Boost 1.74 uses std::exchange without it

#include <algorithm>
#include <boost/asio.hpp>
#include <deque>
#include <optional>

#include "common/channel/frame_codec.hpp"
#include "common/channel/hmac_signer.hpp"
#include "common/model/object_codec.hpp"

namespace neutrino::bench {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using channel::encode_frame;
using channel::FrameDecoder;

struct SimulatedAgents::Io {
  asio::io_context context;
  asio::executor_work_guard<asio::io_context::executor_type> work{context.get_executor()};
  // The current wait: which agents, what they must hold, and when each first held it.
  SimulatedAgents::Done done;
  std::string token;         // from the action; until it is known nothing counts as done
  std::vector<double> held;  // per agent: seconds, -1 not yet, NaN not watched
  Clock::time_point since;
  int pending = 0;
};

class SimulatedAgents::Agent : public std::enable_shared_from_this<Agent> {
 public:
  Agent(SimulatedAgents& owner, int index)
      : owner_(owner), index_(index), socket_(owner.io_->context), heartbeat_(owner.io_->context) {}

  void connect(bool keep_state) {
    {
      std::lock_guard lock(owner_.mutex_);
      if (!keep_state) {
        state_.clear();
        counters_.revision = 0;
      }
      connected_at_ = Clock::now();
      resynced_after_.reset();
    }
    decoder_ = FrameDecoder();
    outbox_.clear();
    established_ = false;
    socket_ = asio::ip::tcp::socket(owner_.io_->context);
    socket_.async_connect({asio::ip::make_address("127.0.0.1"), owner_.port_},
                          [self = shared_from_this()](const boost::system::error_code& ec) {
                            if (!ec) {
                              self->read();
                            }
                          });
  }
  void drop() {
    boost::system::error_code ignored;
    socket_.close(ignored);
    heartbeat_.cancel();
  }

  channel::HostState state_;  // under owner_.mutex_
  AgentCounters counters_;    // under owner_.mutex_
  // Under owner_.mutex_: when connect() began, and the seconds from then until the first
  // snapshot or delta on that connection (the controller sends the resync as one frame).
  Clock::time_point connected_at_;
  std::optional<double> resynced_after_;
  bool established_ = false;

 private:
  void read() {
    socket_.async_read_some(
        asio::buffer(buffer_),
        [self = shared_from_this()](const boost::system::error_code& ec, size_t n) {
          if (ec) {
            return;
          }
          {
            std::lock_guard lock(self->owner_.mutex_);
            self->counters_.bytes += static_cast<int64_t>(n);
          }
          self->decoder_.feed(std::string_view(self->buffer_.data(), n));
          while (auto message = self->decoder_.next()) {
            self->handle(*message);
          }
          self->read();
        });
  }

  void handle(const Json& message) {
    const std::string type = message.value("type", "");
    if (type == "challenge") {
      const std::string host = owner_.host(index_);
      Json hello = {{"type", "hello"},
                    {"host", host},
                    {"binary", "fanout-bench"},
                    {"tunnel_ip", "10." + std::to_string(index_ / 250) + "." +
                                      std::to_string(index_ % 250) + ".1"},
                    {"last_revision", counters_.revision}};
      hello["signature"] =
          channel::HmacSigner(owner_.secret_).sign(message.value("nonce", "") + "|" + host);
      send(hello);
      return;
    }
    if (type != "snapshot" && type != "delta") {
      return;  // heartbeats, console requests
    }
    const int64_t revision = message.value("revision", int64_t{0});
    // Every object must be exactly what its type's codec makes of it.
    const Json& objects = type == "snapshot" ? message.at("state") : message.at("set");
    int64_t malformed = 0;
    if (index_ % owner_.check_every_ == 0) {
      for (const auto& [key, object] : objects.items()) {
        try {
          malformed += model::canonical_object(key, object) == object ? 0 : 1;
        } catch (const std::invalid_argument&) {
          ++malformed;
        }
      }
    }
    {
      std::lock_guard lock(owner_.mutex_);
      if (type == "snapshot") {
        state_.clear();
        for (const auto& [key, object] : message.at("state").items()) {
          state_[key] = object;
        }
      } else {
        channel::apply_host_delta(state_, message);
      }
      counters_.deltas += 1;
      counters_.malformed += malformed;
      counters_.revision = revision;
      if (!resynced_after_) {
        resynced_after_ = std::chrono::duration<double>(Clock::now() - connected_at_).count();
        owner_.changed_.notify_all();
      }
      auto& io = *owner_.io_;
      if (io.done && !io.token.empty() && io.held[index_] < 0 && io.done(state_, io.token)) {
        io.held[index_] = std::chrono::duration<double>(Clock::now() - io.since).count();
        if (--io.pending == 0) {
          owner_.changed_.notify_all();
        }
      }
    }
    send({{"type", "ack"},
          {"revision", revision},
          {"ports_up", Json::array()},
          {"ports_down", Json::array()}});
    if (!established_) {
      established_ = true;
      schedule_heartbeat(message.value("heartbeat_seconds", 10));
    }
  }

  void schedule_heartbeat(int seconds) {
    heartbeat_.expires_after(std::chrono::seconds(seconds));
    heartbeat_.async_wait(
        [self = shared_from_this(), seconds](const boost::system::error_code& ec) {
          if (!ec) {
            self->send({{"type", "heartbeat"}});
            self->schedule_heartbeat(seconds);
          }
        });
  }

  void send(const Json& message) {
    outbox_.push_back(encode_frame(message));
    if (outbox_.size() == 1) {
      write_next();
    }
  }
  void write_next() {
    asio::async_write(socket_, asio::buffer(outbox_.front()),
                      [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
                        if (ec) {
                          return;
                        }
                        self->outbox_.pop_front();
                        if (!self->outbox_.empty()) {
                          self->write_next();
                        }
                      });
  }

  SimulatedAgents& owner_;
  int index_;
  asio::ip::tcp::socket socket_;
  asio::steady_timer heartbeat_;
  FrameDecoder decoder_;
  std::array<char, 65536> buffer_{};
  std::deque<std::string> outbox_;
};

SimulatedAgents::SimulatedAgents(uint16_t port, std::string secret, std::string prefix, int count,
                                 int check_every)
    : port_(port),
      secret_(std::move(secret)),
      prefix_(std::move(prefix)),
      check_every_(std::max(1, check_every)),
      io_(std::make_unique<Io>()) {
  for (int i = 0; i < count; ++i) {
    agents_.push_back(std::make_shared<Agent>(*this, i));
  }
  thread_ = std::thread([this] { io_->context.run(); });
  for (auto& agent : agents_) {
    asio::post(io_->context, [agent] { agent->connect(false); });
  }
}

SimulatedAgents::~SimulatedAgents() {
  asio::post(io_->context, [this] {
    for (auto& agent : agents_) {
      agent->drop();
    }
    io_->context.stop();
  });
  thread_.join();
}

std::string SimulatedAgents::host(int i) const {
  return prefix_ + std::to_string(i);
}

int SimulatedAgents::size() const {
  return static_cast<int>(agents_.size());
}

bool SimulatedAgents::all_connected() {
  std::lock_guard lock(mutex_);
  for (auto& agent : agents_) {
    if (agent->counters_.deltas == 0) {
      return false;
    }
  }
  return true;
}

std::vector<double> SimulatedAgents::measure(const std::vector<int>& which, const Done& done,
                                             const std::function<std::string()>& action,
                                             std::chrono::seconds timeout) {
  std::unique_lock lock(mutex_);
  auto& io = *io_;
  io.since = Clock::now();
  io.held.assign(agents_.size(), 0);
  io.pending = 0;
  io.token.clear();
  for (int i : which) {
    io.held[i] = -1;
    ++io.pending;
  }
  io.done = done;
  lock.unlock();
  std::string token = action();
  lock.lock();
  io.token = std::move(token);
  // What arrived before the action's answer: counted now (a slight overestimate).
  for (int i : which) {
    if (io.held[i] < 0 && done(agents_[i]->state_, io.token)) {
      io.held[i] = std::chrono::duration<double>(Clock::now() - io.since).count();
      --io.pending;
    }
  }
  changed_.wait_for(lock, timeout, [&] { return io.pending == 0; });
  io.done = nullptr;
  std::vector<double> out;
  for (int i : which) {
    out.push_back(io.held[i]);
  }
  return out;
}

std::vector<AgentCounters> SimulatedAgents::counters() {
  std::lock_guard lock(mutex_);
  std::vector<AgentCounters> out;
  for (auto& agent : agents_) {
    out.push_back(agent->counters_);
  }
  return out;
}

double SimulatedAgents::reconnect(int i, bool keep_state, std::chrono::seconds timeout) {
  auto agent = agents_.at(i);
  std::unique_lock lock(mutex_);
  const auto previous = agent->connected_at_;
  asio::post(io_->context, [agent, keep_state] {
    agent->drop();
    agent->connect(keep_state);
  });
  const bool held = changed_.wait_for(lock, timeout, [&] {
    return agent->connected_at_ != previous && agent->resynced_after_.has_value();
  });
  return held ? *agent->resynced_after_ : -1;
}

}  // namespace neutrino::bench
