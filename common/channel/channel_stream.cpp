#include "common/channel/channel_stream.hpp"

namespace neutrino::channel {

namespace asio = boost::asio;

ChannelStream::ChannelStream(tcp::socket socket)
    : stream_(std::in_place_type<tcp::socket>, std::move(socket)) {}

ChannelStream::ChannelStream(tcp::socket socket, asio::ssl::context& context)
    : stream_(std::in_place_type<TlsStream>, std::move(socket), context) {}

ChannelStream::tcp::socket& ChannelStream::socket() {
  if (auto* tls = std::get_if<TlsStream>(&stream_)) {
    return tls->next_layer();
  }
  return std::get<tcp::socket>(stream_);
}

SSL* ChannelStream::ssl() {
  auto* tls = std::get_if<TlsStream>(&stream_);
  return tls == nullptr ? nullptr : tls->native_handle();
}

void ChannelStream::async_handshake(asio::ssl::stream_base::handshake_type role, Handler done) {
  if (auto* tls = std::get_if<TlsStream>(&stream_)) {
    tls->async_handshake(role, std::move(done));
    return;
  }
  asio::post(socket().get_executor(), [done = std::move(done)] { done({}); });
}

void ChannelStream::async_read_some(asio::mutable_buffer buffer, IoHandler done) {
  std::visit([&](auto& stream) { stream.async_read_some(buffer, std::move(done)); }, stream_);
}

void ChannelStream::async_write(asio::const_buffer buffer, IoHandler done) {
  std::visit([&](auto& stream) { asio::async_write(stream, buffer, std::move(done)); }, stream_);
}

void ChannelStream::close() {
  boost::system::error_code ignored;
  socket().shutdown(tcp::socket::shutdown_both, ignored);
  socket().close(ignored);
}

}  // namespace neutrino::channel
