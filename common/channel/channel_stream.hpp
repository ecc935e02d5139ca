#pragma once
// One push-channel connection, plain TCP or TLS over TCP, so the controller's session and the
// agent's client are written once for both. Not thread-safe: use it from one I/O thread. At
// most one read and one write may be outstanding, and the owner keeps the stream alive until
// their handlers have run (an SSL stream must not die under a pending operation).
#include <utility>  // before Asio: Boost 1.74 uses std::exchange without it

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <functional>
#include <variant>

namespace neutrino::channel {

class ChannelStream {
 public:
  using tcp = boost::asio::ip::tcp;
  using TlsStream = boost::asio::ssl::stream<tcp::socket>;
  using Handler = std::function<void(const boost::system::error_code&)>;
  using IoHandler = std::function<void(const boost::system::error_code&, size_t)>;

  explicit ChannelStream(tcp::socket socket);
  // TLS over `socket`; `context` must outlive the stream.
  ChannelStream(tcp::socket socket, boost::asio::ssl::context& context);
  ChannelStream(const ChannelStream&) = delete;
  ChannelStream& operator=(const ChannelStream&) = delete;

  bool tls() const { return std::holds_alternative<TlsStream>(stream_); }
  tcp::socket& socket();
  // The TLS session, to set up verification or inspect the peer; nullptr for plain TCP.
  SSL* ssl();

  // TLS: runs the handshake as `role`. Plain TCP: completes at once (posted, never inline),
  // so callers need a single code path.
  void async_handshake(boost::asio::ssl::stream_base::handshake_type role, Handler done);
  void async_read_some(boost::asio::mutable_buffer buffer, IoHandler done);
  // Writes the whole buffer.
  void async_write(boost::asio::const_buffer buffer, IoHandler done);
  // Drops the connection without a TLS close_notify: frames are length-prefixed, so a
  // truncated stream can never pass for a complete message.
  void close();

 private:
  std::variant<tcp::socket, TlsStream> stream_;
};

}  // namespace neutrino::channel
