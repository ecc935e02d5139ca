#include "dataplane/openflow/openflow_connection.hpp"

#include <atomic>
#include <stdexcept>
#include <utility>

#include "dataplane/openflow/connection_error.hpp"
#include "dataplane/openflow/flow_codec.hpp"
#include "dataplane/openflow/message_codec.hpp"
#include "dataplane/openflow/openflow_error.hpp"
#include "dataplane/openflow/session.hpp"

namespace neutrino::dataplane::openflow {
namespace {

std::string socket_path(std::string_view target) {
  constexpr std::string_view kUnix = "unix:";
  if (target.starts_with(kUnix)) {
    return std::string(target.substr(kUnix.size()));
  }
  if (!target.starts_with('/') && target.find(':') != std::string_view::npos) {
    throw std::invalid_argument("unsupported OpenFlow target \"" + std::string(target) +
                                "\": only unix:PATH");
  }
  return std::string(target);
}

std::string describe(const FlowChange& change) {
  switch (change.kind) {
    case FlowChange::Kind::kAdd:
      return "add " + change.flow;
    case FlowChange::Kind::kModify:
      return "modify " + change.flow;
    case FlowChange::Kind::kModifyStrict:
      return "modify_strict " + change.flow;
    case FlowChange::Kind::kDelete:
      return "delete " + change.flow;
    case FlowChange::Kind::kDeleteStrict:
      return "delete_strict " + change.flow;
  }
  return change.flow;
}

const char* name(BundleOperation operation) {
  switch (operation) {
    case BundleOperation::kOpen:
      return "open";
    case BundleOperation::kClose:
      return "close";
    case BundleOperation::kCommit:
      return "commit";
    case BundleOperation::kDiscard:
      return "discard";
  }
  return "control";
}

// The requests of one exchange with the switch: their xids are tracked, so replies and errors
// are kept for us, from the moment they get an xid until this object goes away.
class Exchange {
 public:
  explicit Exchange(Session& session) : session_(session) {}
  ~Exchange() { session_.untrack(xids_); }
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;

  std::uint32_t track(std::string what) {
    const std::uint32_t xid = session_.next_xid();
    session_.track(xid, std::move(what));
    xids_.push_back(xid);
    return xid;
  }
  void queue(Message message) { queued_.push_back(std::move(message)); }
  // Sends what is queued and waits for the answer to `xid`. The switch answers in order, so
  // by then every error for an earlier request of the exchange has arrived too.
  std::vector<Message> send_and_wait(std::uint32_t xid) {
    session_.send(std::exchange(queued_, {}));
    return session_.wait(xid);
  }
  std::vector<OpenFlowError> errors() const { return session_.errors(xids_); }
  void throw_first_error() const {
    if (auto found = errors(); !found.empty()) {
      throw found.front();
    }
  }

 private:
  Session& session_;
  std::vector<std::uint32_t> xids_;
  std::vector<Message> queued_;
};

// Ends an exchange of requests that have no reply of their own.
void barrier_and_wait(Exchange& exchange) {
  const std::uint32_t xid = exchange.track("barrier");
  exchange.queue(MessageCodec::barrier_request(xid));
  exchange.send_and_wait(xid);
}

void bundle_control(Session& session, std::uint32_t bundle_id, BundleOperation operation,
                    std::uint16_t flags) {
  Exchange exchange(session);
  const std::uint32_t xid =
      exchange.track(std::string(name(operation)) + " bundle " + std::to_string(bundle_id));
  exchange.queue(MessageCodec::bundle_control(bundle_id, operation, flags, xid));
  const std::vector<Message> reply = exchange.send_and_wait(xid);
  exchange.throw_first_error();
  if (reply.size() != 1 || !MessageCodec::is_bundle_reply(reply.front(), bundle_id, operation)) {
    throw ConnectionError("unexpected answer to bundle " + std::string(name(operation)));
  }
}

std::atomic<std::uint32_t> next_bundle_id{1};

}  // namespace

std::string OpenFlowConnection::management_socket(std::string_view rundir,
                                                  std::string_view bridge) {
  return std::string(rundir) + "/" + std::string(bridge) + ".mgmt";
}

OpenFlowConnection::OpenFlowConnection(std::string_view target, Options options)
    : session_(std::make_unique<Session>(socket_path(target), options.timeout)) {}

OpenFlowConnection::OpenFlowConnection(std::string_view target)
    : OpenFlowConnection(target, Options{}) {}

OpenFlowConnection::~OpenFlowConnection() = default;

std::uint8_t OpenFlowConnection::version() const {
  return session_->version();
}

bool OpenFlowConnection::connected() const {
  return session_->connected();
}

void OpenFlowConnection::set_unsolicited_handler(UnsolicitedHandler handler) {
  session_->set_unsolicited_handler(std::move(handler));
}

void OpenFlowConnection::set_close_handler(std::function<void(const std::string&)> handler) {
  session_->set_close_handler(std::move(handler));
}

void OpenFlowConnection::add_flows(const std::vector<std::string>& flows) {
  std::vector<FlowChange> changes;
  changes.reserve(flows.size());
  for (const std::string& flow : flows) {
    changes.push_back(FlowChange::add(flow));
  }
  apply(changes);
}

void OpenFlowConnection::apply(const std::vector<FlowChange>& changes) {
  Exchange exchange(*session_);
  for (const FlowChange& change : changes) {
    const std::uint32_t xid = exchange.track(describe(change));
    exchange.queue(FlowCodec::encode_flow_mod(change.flow, change.kind, xid));
  }
  barrier_and_wait(exchange);
  exchange.throw_first_error();
}

void OpenFlowConnection::apply_bundle(const std::vector<FlowChange>& changes) {
  if (changes.empty()) {
    return;
  }
  const std::uint32_t bundle_id = next_bundle_id++;
  const std::uint16_t flags = kBundleAtomic | kBundleOrdered;
  const std::string prefix = "bundle " + std::to_string(bundle_id) + ": ";

  // Encoded before the bundle opens, so a syntax error sends nothing.
  Exchange adds(*session_);
  for (const FlowChange& change : changes) {
    const std::uint32_t xid = adds.track(prefix + describe(change));
    adds.queue(MessageCodec::bundle_add(bundle_id, flags,
                                        FlowCodec::encode_flow_mod(change.flow, change.kind, xid)));
  }

  bundle_control(*session_, bundle_id, BundleOperation::kOpen, flags);
  // A message the switch refuses is left out of the bundle, which stays open: committing would
  // apply the rest, so we sync with a barrier and discard instead (as ovs-ofctl --bundle).
  barrier_and_wait(adds);
  if (auto refused = adds.errors(); !refused.empty()) {
    try {
      bundle_control(*session_, bundle_id, BundleOperation::kDiscard, flags);
    } catch (const std::exception&) {
      // The error worth reporting is the refused change; an unfinished bundle dies with the
      // connection anyway.
    }
    throw refused.front();
  }
  try {
    bundle_control(*session_, bundle_id, BundleOperation::kCommit, flags);
  } catch (const OpenFlowError&) {
    // The commit's own error is only OFPBFC_MSG_FAILED; the switch sent the failing change's
    // error just before it, under that change's xid.
    adds.throw_first_error();
    throw;
  }
}

void OpenFlowConnection::delete_flows(std::string_view match) {
  apply({FlowChange::remove(std::string(match))});
}

void OpenFlowConnection::delete_flows_by_cookie(std::uint64_t cookie, std::uint64_t cookie_mask) {
  Exchange exchange(*session_);
  const std::uint32_t xid = exchange.track("delete flows by cookie");
  exchange.queue(FlowCodec::encode_delete_by_cookie(cookie, cookie_mask, xid));
  barrier_and_wait(exchange);
  exchange.throw_first_error();
}

std::vector<std::string> OpenFlowConnection::dump_flows(std::uint64_t cookie,
                                                        std::uint64_t cookie_mask) {
  Exchange exchange(*session_);
  const std::uint32_t xid = exchange.track("flow stats request");
  exchange.queue(FlowCodec::encode_flow_stats_request(cookie, cookie_mask, xid));
  const std::vector<Message> parts = exchange.send_and_wait(xid);
  exchange.throw_first_error();
  std::vector<std::string> flows;
  for (const Message& part : parts) {
    FlowCodec::decode_flow_stats_reply(part, flows);
  }
  return flows;
}

void OpenFlowConnection::barrier() {
  Exchange exchange(*session_);
  barrier_and_wait(exchange);
  exchange.throw_first_error();
}

void OpenFlowConnection::flush_conntrack_zone(std::uint16_t zone) {
  Exchange exchange(*session_);
  const std::uint32_t xid = exchange.track("conntrack zone flush");
  exchange.queue(MessageCodec::ct_flush_zone(zone, xid));
  barrier_and_wait(exchange);
  exchange.throw_first_error();
}

void OpenFlowConnection::flush_conntrack(std::uint16_t zone, const std::string& orig_tuple) {
  Exchange exchange(*session_);
  const std::uint32_t xid = exchange.track("conntrack flush");
  exchange.queue(MessageCodec::ct_flush(zone, orig_tuple, xid));
  barrier_and_wait(exchange);
  exchange.throw_first_error();
}

void OpenFlowConnection::packet_out(const std::string& text) {
  Exchange exchange(*session_);
  const std::uint32_t xid = exchange.track("packet-out");
  exchange.queue(MessageCodec::packet_out(text, xid));
  barrier_and_wait(exchange);
  exchange.throw_first_error();
}

std::chrono::microseconds OpenFlowConnection::echo() {
  Exchange exchange(*session_);
  const auto start = std::chrono::steady_clock::now();
  const std::uint32_t xid = exchange.track("echo request");
  exchange.queue(MessageCodec::echo_request(xid));
  exchange.send_and_wait(xid);
  exchange.throw_first_error();
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                               start);
}

std::uint64_t OpenFlowConnection::echo_requests_answered() const {
  return session_->echo_requests_answered();
}

}  // namespace neutrino::dataplane::openflow
