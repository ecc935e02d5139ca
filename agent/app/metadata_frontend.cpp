#include "agent/app/metadata_frontend.hpp"

#include "agent/app/metadata_session.hpp"
#include "common/channel/hmac_signer.hpp"

namespace neutrino::agent {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

// Guest-triggered warnings: this many per key per interval, then a count.
constexpr size_t kLogBurst = 5;
constexpr auto kLogInterval = std::chrono::seconds(10);
constexpr auto kTick = std::chrono::seconds(1);

}  // namespace

MetadataFrontend::Response metadata_text_response(unsigned status, unsigned version,
                                                  const std::string& message) {
  MetadataFrontend::Response response;
  response.version(version);
  response.result(status);
  response.set(http::field::server, "neutrino-metadata-proxy");
  response.set(http::field::content_type, "text/plain; charset=UTF-8");
  response.body() =
      std::to_string(status) + " " + std::string(response.reason()) + "\n\n" + message + "\n";
  response.prepare_payload();
  return response;
}

std::shared_ptr<MetadataFrontend> MetadataFrontend::create(asio::io_context& io,
                                                           MetadataTarget target,
                                                           MetadataProxyLimits limits,
                                                           const MonotonicClock& clock) {
  std::shared_ptr<MetadataFrontend> frontend(
      new MetadataFrontend(io, std::move(target), limits, clock));
  frontend->tick();
  return frontend;
}

MetadataFrontend::MetadataFrontend(asio::io_context& io, MetadataTarget target,
                                   MetadataProxyLimits limits, const MonotonicClock& clock)
    : target_(std::move(target)),
      limits_(limits),
      guest_limits_(limits.guests, clock),
      upstream_(
          std::make_shared<MetadataUpstream>(io, target_.host, target_.port, limits.upstream)),
      log_(kLogBurst, kLogInterval, clock),
      ticker_(io) {}

MetadataFrontend::~MetadataFrontend() = default;

void MetadataFrontend::tick() {
  log_.flush();
  if (stopped_) {
    return;
  }
  ticker_.expires_after(kTick);
  ticker_.async_wait([weak = weak_from_this()](error_code ec) {
    if (auto self = weak.lock(); self && !ec) {
      self->tick();
    }
  });
}

void MetadataFrontend::set_instances(Instances instances) {
  instances_ = std::move(instances);
}

void MetadataFrontend::serve(tcp::socket socket, const std::string& network_id) {
  error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  if (ec || stopped_) {
    return;  // already gone
  }
  MetadataPeer peer{network_id, remote.address().to_string(), {}};
  const bool known = instances_.contains({peer.network_id, peer.address});
  peer.key = GuestKey{network_id, known ? peer.address : kUnknownGuest};
  if (!guest_limits_.try_open(peer.key)) {
    ++stats_.refused;
    socket.set_option(asio::socket_base::linger(true, 0), ec);  // RST: nothing to linger for
    socket.close(ec);
    log_.warning("metadata: connection limit", "metadata proxy: refused a connection from ",
                 peer.address, " on network ", network_id, ": it holds ",
                 guest_limits_.connections(peer.key), " (limit ",
                 limits_.guests.connections_per_guest, " per guest, ",
                 guest_limits_.total_connections(), " open in all)");
    return;
  }
  ++stats_.accepted;
  auto session = std::make_shared<MetadataSession>(std::move(socket), peer, shared_from_this());
  sessions_.insert(session.get());
  session->start();
}

void MetadataFrontend::session_ended(MetadataSession* session) {
  sessions_.erase(session);
  guest_limits_.closed(session->peer().key);
}

void MetadataFrontend::close_network(const std::string& network_id) {
  for (auto* session : std::set<MetadataSession*>(sessions_)) {
    if (session->peer().network_id == network_id) {
      session->close();
    }
  }
}

void MetadataFrontend::stop() {
  stopped_ = true;
  ticker_.cancel();
  for (auto* session : std::set<MetadataSession*>(sessions_)) {
    session->close();
  }
  upstream_->close();
  log_.flush();
}

MetadataFrontend::Stats MetadataFrontend::stats() const {
  Stats out = stats_;
  out.sessions = sessions_.size();
  return out;
}

void MetadataFrontend::handle(const MetadataPeer& peer, Request request,
                              std::function<void(Response)> respond) {
  ++stats_.requests;
  const unsigned version = request.version();
  if (!guest_limits_.try_request(peer.key)) {
    ++stats_.rate_limited;
    log_.warning("metadata: rate limit", "metadata proxy: ", peer.address, " on network ",
                 peer.network_id, " sends more than ", limits_.guests.requests.per_second,
                 " requests/s; answering 429");
    auto response = metadata_text_response(429, version, "Too many requests; retry later.");
    response.set(http::field::retry_after, "1");
    return respond(std::move(response));
  }
  const auto instance = instances_.find({peer.network_id, peer.address});
  if (instance == instances_.end()) {
    ++stats_.unknown_source;
    log_.warning("metadata: unknown source", "metadata request from ", peer.address, " on network ",
                 peer.network_id, ": no port has that address");
    return respond(metadata_text_response(
        404, version, "No instance is known at " + peer.address + " on this network."));
  }
  forward(peer, instance->second, request, std::move(respond));
}

void MetadataFrontend::forward(const MetadataPeer& peer, const Instance& instance,
                               const Request& request, std::function<void(Response)> respond) {
  MetadataUpstream::Request upstream;
  upstream.version(11);
  upstream.target(request.target());
  if (request.method() == http::verb::unknown) {
    upstream.method_string(request.method_string());  // the controller answers 405
  } else {
    upstream.method(request.method());
  }
  upstream.set(http::field::host, target_.host + ":" + std::to_string(target_.port));
  upstream.set(http::field::user_agent, "neutrino-metadata-proxy");
  upstream.set("X-Instance-ID", instance.id);
  upstream.set("X-Tenant-ID", instance.project_id);
  upstream.set("X-Forwarded-For", peer.address);
  upstream.set("X-Instance-ID-Signature", channel::HmacSigner(target_.secret).sign(instance.id));
  if (const auto type = request.find(http::field::content_type); type != request.end()) {
    upstream.set(http::field::content_type, type->value());
  }
  upstream.body() = request.body();
  upstream.keep_alive(true);
  upstream.prepare_payload();
  ++stats_.forwarded;
  const unsigned version = request.version();
  const bool head = request.method() == http::verb::head;
  upstream_->async_send(std::move(upstream), [self = shared_from_this(),
                                              respond = std::move(respond), version, head](
                                                 error_code ec, MetadataUpstream::Response answer) {
    if (ec) {
      ++self->stats_.upstream_failures;
      self->log_.warning("metadata: upstream", "metadata proxy: the metadata service at ",
                         self->target_.host, ":", self->target_.port, " failed: ", ec.message());
      if (ec == beast::error::timeout) {
        return respond(
            metadata_text_response(504, version, "The metadata service did not answer in time."));
      }
      if (ec == asio::error::no_buffer_space) {
        return respond(
            metadata_text_response(503, version, "The metadata proxy is busy; retry later."));
      }
      return respond(metadata_text_response(502, version, "The metadata service is unreachable."));
    }
    Response response;
    response.version(version);
    response.result(answer.result_int());
    response.set(http::field::server, "neutrino-metadata-proxy");
    if (const auto type = answer.find(http::field::content_type); type != answer.end()) {
      response.set(http::field::content_type, type->value());
    }
    if (head) {
      // No body, but the length a GET would get (RFC 9110 section 9.3.2).
      if (const auto length = answer.find(http::field::content_length); length != answer.end()) {
        response.set(http::field::content_length, length->value());
      }
    } else {
      response.body() = std::move(answer.body());
      response.prepare_payload();
    }
    respond(std::move(response));
  });
}

}  // namespace neutrino::agent
