#include "controller/channel/agent_session.hpp"

#include "common/channel/channel_tls.hpp"
#include "common/channel/hmac_signer.hpp"
#include "common/clock.hpp"
#include "common/log.hpp"
#include "common/model/wire_schema.hpp"
#include "common/random.hpp"
#include "common/text_prefix.hpp"
#include "controller/store/change_journal.hpp"

namespace neutrino::channel {

namespace asio = boost::asio;

namespace {

// A session's first message: the follower's snapshot or delta, and what the agent needs to
// stay connected.
Json first_state_message(fanout::HostSync& sync, const std::string& agent_id,
                         int heartbeat_seconds) {
  Json out = sync.snapshot ? Json{{"type", "snapshot"}, {"state", std::move(sync.state)}}
                           : Json{{"type", "delta"},
                                  {"set", std::move(sync.state["set"])},
                                  {"remove", std::move(sync.state["remove"])}};
  out["revision"] = sync.revision;
  out["schema"] = kWireSchemaVersion;
  out["agent_id"] = agent_id;
  out["heartbeat_seconds"] = heartbeat_seconds;
  return out;
}

}  // namespace

AgentSession::AgentSession(std::unique_ptr<ChannelStream> stream, SessionContext& context,
                           std::function<void(AgentSession*)> on_closed)
    : io_thread_(context.io_thread),
      store_thread_(context.store.thread_role()),
      stream_(std::move(stream)),
      context_(context),
      on_closed_(std::move(on_closed)),
      heartbeat_timer_(stream_->socket().get_executor()),
      liveness_timer_(stream_->socket().get_executor()) {
  boost::system::error_code ec;
  const auto endpoint = stream_->socket().remote_endpoint(ec);
  peer_ = ec ? "?" : endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

void AgentSession::start() {
  // The liveness timer also bounds the handshake: a plain-TCP agent on a TLS channel waits
  // for our challenge while we wait for its ClientHello, and neither would ever give up.
  arm_timers();
  stream_->async_handshake(asio::ssl::stream_base::server,
                           [self = shared_from_this()](const boost::system::error_code& ec) {
                             self->io_thread_.assert_current();
                             self->on_handshake(ec);
                           });
}

void AgentSession::on_handshake(const boost::system::error_code& ec) {
  if (closed_) {
    return;
  }
  if (ec) {
    log::warning("agent channel: refused ", peer_,
                 ": TLS handshake failed: ", describe_tls_error(ec, stream_->ssl()));
    close();
    return;
  }
  handshaken_ = true;
  peer_certificate_ = peer_certificate_subject(stream_->ssl());
  // TLS or not, the agent must still sign the challenge with the shared secret (defence in
  // depth): with mutual TLS a stolen certificate alone, or the secret alone, lets no one in.
  nonce_ = random::hex(random::bytes(16));
  send({{"type", "challenge"}, {"nonce", nonce_}});
  read();
}

void AgentSession::arm_timers() {
  // An agent that says nothing for three heartbeats is gone; a half-open TCP connection would
  // otherwise keep its session forever.
  liveness_timer_.expires_after(std::chrono::seconds(3 * context_.heartbeat_seconds));
  liveness_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    self->io_thread_.assert_current();
    if (ec) {
      return;
    }
    if (!self->handshaken_) {
      log::warning("agent channel: refused ", self->peer_,
                   ": no TLS handshake (a plain-TCP agent? give it --controller-ca)");
    } else {
      log::warning("agent channel: ", self->peer_, " (", self->host_, ") went silent; closing");
    }
    self->close();
  });
}

void AgentSession::read() {
  stream_->async_read_some(
      asio::buffer(read_buffer_),
      [self = shared_from_this()](const boost::system::error_code& ec, size_t n) {
        self->io_thread_.assert_current();
        if (ec) {
          self->close();
          return;
        }
        // 0x16 opens a TLS handshake record; as a frame length it would exceed the limit.
        if (!self->stream_->tls() && !self->established() && self->decoder_.buffered() == 0 &&
            n > 0 && self->read_buffer_[0] == 0x16) {
          log::warning("agent channel: refused ", self->peer_,
                       ": it speaks TLS but this channel is plain (no --agent-tls-cert)");
          self->close();
          return;
        }
        try {
          self->decoder_.feed(std::string_view(self->read_buffer_.data(), n));
          while (auto message = self->decoder_.next()) {
            self->handle(*message);
            if (self->closed_) {
              return;
            }
          }
        } catch (const std::exception& e) {
          log::warning("agent channel: dropping ", self->peer_, ": ", e.what());
          self->close();
          return;
        }
        self->read();
      });
}

void AgentSession::handle(const Json& message) {
  const std::string type = message.value("type", "");
  if (!established()) {
    if (type != "hello") {
      log::warning("agent channel: refused ", peer_, ": expected hello, got '", text_prefix(type),
                   "'");
      close();
      return;
    }
    handle_hello(message);
    return;
  }
  liveness_timer_.cancel();
  arm_timers();
  if (type == "heartbeat") {
    context_.store.post([self = shared_from_this(), host = host_] {
      self->store_thread_.assert_current();
      try {
        // The transaction's lambda gets copies: the analysis cannot see that it runs right here.
        self->agent_id_ = self->context_.db.write(
            [&, agent_id = self->agent_id_, report = self->report_](store::SqlSession& s) {
              return self->context_.agents.heartbeat(s, report)
                         ? agent_id
                         : self->context_.agents.report(s, report, false);
            });
      } catch (const store::StoreUnavailable& e) {
        // A full disk must not cut the agent off from its state; it shows dead after
        // agent_down_time if this lasts. (A lost ack instead drops the session: the agent
        // then reconnects and acknowledges its snapshot again once the store can write.)
        log::debug("agent channel: heartbeat of ", host, " not recorded: ", e.what());
      }
    });
  } else if (type == "ack") {
    handle_ack(message);
  } else if (type == "instance_state") {
    if (context_.compute.on_instance_states) {
      context_.store.post([self = shared_from_this(), host = host_,
                           instances = message.value("instances", Json::array())] {
        try {
          self->context_.compute.on_instance_states(host, instances);
        } catch (const std::exception& e) {
          log::warning("agent channel: instance states from ", host, ": ", e.what());
        }
      });
    }
  } else if (type == "console_log") {
    handle_console_log(message);
  } else if (type == "dhcp_ports") {
    std::vector<std::string> networks;
    for (const auto& id : message.value("networks", Json::array())) {
      if (id.is_string()) {
        networks.push_back(id.get<std::string>());
      }
    }
    if (context_.dhcp_ports) {
      context_.store.post(
          [self = shared_from_this(), host = host_, networks = std::move(networks)] {
            try {
              self->context_.dhcp_ports(host, networks);
            } catch (const std::exception& e) {
              log::warning("agent channel: DHCP ports for ", host, ": ", e.what());
            }
          });
    }
  } else {
    log::warning("agent channel: ", host_, " sent unknown message type '", text_prefix(type), "'");
  }
}

void AgentSession::handle_hello(const Json& message) {
  const std::string host = message.value("host", "");
  const std::string signature = message.value("signature", "");
  if (context_.secret.empty() || host.empty() ||
      !HmacSigner(context_.secret).verify(nonce_ + "|" + host, signature)) {
    log::warning("agent channel: refused ", peer_, " claiming host '", text_prefix(host),
                 "': bad or missing signature");
    send({{"type", "refused"}, {"reason", "authentication failed"}});
    close();
    return;
  }
  agents::AgentReport report;
  report.host = host;
  report.binary = message.value("binary", "neutrino-agent");
  report.configurations = {
      {"tunneling_ip", message.value("tunnel_ip", "")},
      {"tunnel_types", Json::array({"vxlan"})},
      {"bridge_mappings", message.value("bridge_mappings", Json::object())},
      {"datapath_type", message.value("datapath_type", "system")},
      {"integration_bridge", message.value("integration_bridge", "br-int")},
      {"l2_population", true},
      {"version", message.value("version", "")},
  };
  // Agents from before these members serve DHCP and no zone of their own.
  report.availability_zone = message.value("availability_zone", "nova");
  report.serves_dhcp = message.value("serves_dhcp", true);
  report.serves_metadata = message.value("serves_metadata", false);
  channel_session_ = random::hex(random::bytes(16));
  report.channel_session = channel_session_;
  host_ = host;
  decoder_.set_max_frame_bytes(kMaxFrameBytes);  // authenticated: full snapshots and acks
  // Registration writes the store: on the store worker, then the state follows from there.
  context_.store.post([self = shared_from_this(), report = std::move(report), message] {
    self->store_thread_.assert_current();
    self->register_agent(report, message);
  });
  log::info("agent channel: ", host_, " connected from ", peer_, stream_->tls() ? " over TLS" : "",
            peer_certificate_.empty() ? "" : " (certificate " + peer_certificate_ + ")",
            " (last revision ", message.value("last_revision", int64_t{0}), ")");
  schedule_heartbeat();
}

void AgentSession::register_agent(const agents::AgentReport& report, const Json& hello) {
  try {
    agent_id_ = context_.db.write(
        [&](store::SqlSession& s) { return context_.agents.report(s, report, true); });
    report_ = report;
  } catch (const std::exception& e) {
    log::warning("agent channel: cannot register ", report.host, ": ", e.what());
    context_.post([self = shared_from_this()] {
      self->io_thread_.assert_current();
      self->close();
    });
    return;
  }
  if (context_.compute.on_hello) {
    try {
      context_.compute.on_hello(report.host, hello.value("compute", Json()),
                                hello.value("tunnel_ip", ""));
    } catch (const std::exception& e) {
      log::warning("agent channel: compute report of ", report.host, ": ", e.what());
    }
  }
  send_first_state(hello.value("last_revision", int64_t{0}));
}

void AgentSession::send_first_state(int64_t last_revision) {
  // The state comes from the journal follower's thread: only what changed since the agent's
  // last revision when it still knows that, else a snapshot.
  context_.sync(
      report_.host, last_revision,
      [self = shared_from_this(), agent_id = agent_id_](fanout::HostSync sync) {
        // Built and encoded there; the I/O thread only queues the frame and the few reboot
        // counters it carries. Nothing of the session but its context (set before any thread
        // ran) is read here.
        const Json out = first_state_message(sync, agent_id, self->context_.heartbeat_seconds);
        auto frame = std::make_shared<std::string>(encode_frame(out));
        auto reboots =
            std::make_shared<RebootCounts>(reboot_counts(out.at(sync.snapshot ? "state" : "set")));
        self->context_.post([self, revision = sync.revision, frame, reboots] {
          self->io_thread_.assert_current();
          self->queue_first_state(revision, std::move(*frame), std::move(*reboots));
        });
      });
}

void AgentSession::queue_first_state(int64_t revision, std::string frame, RebootCounts reboots) {
  if (closed_) {
    return;
  }
  synced_revision_ = revision;
  track_reboots(revision, std::move(reboots));
  queue(std::move(frame));
}

void AgentSession::schedule_heartbeat() {
  heartbeat_timer_.expires_after(std::chrono::seconds(context_.heartbeat_seconds));
  heartbeat_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    self->io_thread_.assert_current();
    if (ec || self->closed_) {
      return;
    }
    self->send({{"type", "heartbeat"}});
    self->schedule_heartbeat();
  });
}

void AgentSession::handle_ack(const Json& message) {
  // Only ports bound to this host may change status through this agent.
  auto set_status = [](store::SqlSession& s, const std::string& host, const Json& ids,
                       const char* status) {
    if (!ids.is_array()) {
      return;
    }
    for (const auto& id : ids) {
      if (!id.is_string()) {
        continue;
      }
      if (s.execute(
              "UPDATE ports SET status = ?, revision_number = revision_number + 1, updated_at = ? "
              "WHERE id = ? AND status <> ? AND id IN "
              "(SELECT port_id FROM ml2_port_bindings WHERE host = ?)",
              {std::string(status), clock::now_unix_seconds(), id.get<std::string>(),
               std::string(status), host}) > 0) {
        store::ChangeJournal::append(s, store::JournalKind::kPort, id.get<std::string>());
      }
    }
  };
  std::vector<std::pair<std::string, int64_t>> applied;
  const auto revision = message.find("revision");
  if (revision != message.end() && revision->is_number_integer()) {
    while (!sent_reboots_.empty() && sent_reboots_.front().first <= revision->get<int64_t>()) {
      for (auto& entry : sent_reboots_.front().second) {
        applied.push_back(std::move(entry));
      }
      sent_reboots_.pop_front();
    }
  }
  context_.store.post([self = shared_from_this(), host = host_, set_status,
                       up = message.value("ports_up", Json::array()),
                       down = message.value("ports_down", Json::array()),
                       applied = std::move(applied)] {
    self->store_thread_.assert_current();
    try {
      self->context_.db.write([&, report = self->report_](store::SqlSession& s) {
        set_status(s, host, up, "ACTIVE");
        set_status(s, host, down, "DOWN");
        self->context_.agents.heartbeat(s, report);
      });
    } catch (const std::exception& e) {
      // The agent reconnects and acknowledges its state again once the store can write.
      log::warning("agent channel: ack of ", host, " not recorded: ", e.what());
      self->context_.post([self] {
        self->io_thread_.assert_current();
        self->close();
      });
      return;
    }
    if (!applied.empty() && self->context_.compute.on_reboots_applied) {
      self->context_.compute.on_reboots_applied(host, applied);
    }
  });
}

void AgentSession::track_reboots(int64_t revision, RebootCounts reboots) {
  if (reboots.empty()) {
    return;
  }
  sent_reboots_.emplace_back(revision, std::move(reboots));
  // An agent that never acknowledges must not make this grow without bound.
  while (sent_reboots_.size() > 256) {
    sent_reboots_.pop_front();
  }
}

void AgentSession::request_console(const std::string& request_id, const std::string& instance_id,
                                   std::optional<int64_t> lines) {
  if (!established() || closed_) {
    context_.consoles.fail(request_id);
    return;
  }
  console_requests_.insert(request_id);
  send({{"type", "console_log_request"},
        {"request_id", request_id},
        {"instance_id", instance_id},
        {"length", lines ? Json(*lines) : Json(nullptr)}});
}

void AgentSession::handle_console_log(const Json& message) {
  const auto id = message.find("request_id");
  if (id == message.end() || !id->is_string() ||
      !console_requests_.contains(id->get<std::string>())) {
    return;
  }
  console_requests_.erase(id->get<std::string>());
  ConsoleReply reply;
  const auto error = message.find("error");
  if (error != message.end() && error->is_string()) {
    reply.status = ConsoleReply::Status::kAgentError;
    reply.error = error->get<std::string>().substr(0, 1024);
  } else {
    const auto output = message.find("output");
    reply.output = output != message.end() && output->is_string() ? output->get<std::string>() : "";
  }
  context_.consoles.deliver(host_, id->get<std::string>(), std::move(reply));
}

void AgentSession::deliver(int64_t revision, const std::string& frame,
                           const RebootCounts& reboots) {
  if (!established() || closed_ || synced_revision_ < 0 || revision <= synced_revision_) {
    return;
  }
  synced_revision_ = revision;
  track_reboots(revision, reboots);
  queue(frame);
}

void AgentSession::send(const Json& message) {
  queue(encode_frame(message));
}

void AgentSession::queue(std::string frame) {
  if (closed_) {
    return;
  }
  // A frame alone is always queued: one is bounded by the frame limit, and a snapshot larger
  // than the backlog limit must still reach its agent.
  if (!outbox_.empty() && outbox_bytes_ + frame.size() > context_.max_backlog_bytes) {
    // An agent that stops reading (hung, or hostile with heartbeats still coming) would make
    // the controller keep every delta for it. It reconnects and resyncs from its revision.
    log::warning("agent channel: ", host_, " left ", outbox_bytes_,
                 " bytes unread, over the limit (--agent-max-backlog); disconnecting it");
    close();
    return;
  }
  outbox_bytes_ += frame.size();
  outbox_.push_back(std::move(frame));
  if (outbox_.size() == 1) {
    write_next();
  }
}

void AgentSession::write_next() {
  stream_->async_write(asio::buffer(outbox_.front()),
                       [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
                         self->io_thread_.assert_current();
                         if (ec) {
                           self->close();
                           return;
                         }
                         self->outbox_bytes_ -= self->outbox_.front().size();
                         self->outbox_.pop_front();
                         if (!self->outbox_.empty()) {
                           self->write_next();
                         }
                       });
}

void AgentSession::close() {
  if (closed_) {
    return;
  }
  closed_ = true;
  if (!host_.empty()) {
    log::info("agent channel: ", host_, " disconnected");
    // Routers whose gateway this host was choose another (a newer session of it keeps it).
    context_.store.post([self = shared_from_this(), host = host_, session = channel_session_] {
      self->store_thread_.assert_current();
      try {
        self->context_.db.write(
            [&](store::SqlSession& s) { self->context_.agents.disconnected(s, host, session); });
      } catch (const std::exception& e) {
        log::warning("agent channel: cannot record that ", host, " disconnected: ", e.what());
      }
    });
  }
  heartbeat_timer_.cancel();
  liveness_timer_.cancel();
  for (const auto& id : console_requests_) {
    context_.consoles.fail(id);
  }
  console_requests_.clear();
  stream_->close();
  on_closed_(this);
}

}  // namespace neutrino::channel
