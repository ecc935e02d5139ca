#include "agent/app/metadata_session.hpp"

namespace neutrino::agent {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

MetadataSession::MetadataSession(tcp::socket socket, MetadataPeer peer,
                                 std::shared_ptr<MetadataFrontend> frontend)
    : stream_(std::move(socket)), peer_(std::move(peer)), frontend_(std::move(frontend)) {}

MetadataSession::~MetadataSession() {
  frontend_->session_ended(this);
}

void MetadataSession::start() {
  read_next();
}

void MetadataSession::close() {
  error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.close();
}

void MetadataSession::read_next() {
  const auto& limits = frontend_->limits();
  parser_.emplace();
  parser_->header_limit(limits.header_limit);
  parser_->body_limit(limits.body_limit);
  stream_.expires_after(limits.request_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](error_code ec, size_t) { self->on_read(ec); });
}

void MetadataSession::on_read(error_code ec) {
  if (ec == http::error::body_limit) {
    return reply_and_close(413, "The request body is too large.");
  }
  if (ec == http::error::header_limit) {
    return reply_and_close(431, "The request headers are too large.");
  }
  if (ec && ec.category() == http::make_error_code(http::error::bad_target).category() &&
      ec != http::error::partial_message && ec != http::error::end_of_stream) {
    frontend_->guest_log().warning("metadata: malformed request",
                                   "metadata proxy: malformed "
                                   "request from ",
                                   peer_.address, " on network ", peer_.network_id, ": ",
                                   ec.message());
    return reply_and_close(400, "The request is malformed.");
  }
  if (ec) {
    return close();  // the guest left, or sent nothing (whole) in time
  }
  auto request = parser_->release();
  const bool keep_alive = request.keep_alive();
  frontend_->handle(peer_, std::move(request),
                    [self = shared_from_this(), keep_alive](MetadataFrontend::Response response) {
                      self->write(std::move(response), keep_alive);
                    });
}

void MetadataSession::reply_and_close(unsigned status, const std::string& message) {
  write(metadata_text_response(status, 11, message), false);
}

void MetadataSession::write(MetadataFrontend::Response response, bool keep_alive) {
  response_ = std::move(response);
  response_.keep_alive(keep_alive);
  stream_.expires_after(frontend_->limits().write_timeout);
  http::async_write(stream_, response_,
                    [self = shared_from_this(), keep_alive](error_code ec, size_t) {
                      if (ec || !keep_alive) {
                        return self->close();
                      }
                      self->read_next();
                    });
}

}  // namespace neutrino::agent
