#pragma once
// TLS settings of the controller <-> agent push channel, shared by both daemons. Each side
// loads its PEM files once, at start, so a wrong path stops the daemon with a message naming
// the file instead of failing every connection later.
#include <utility>  // before Asio: Boost 1.74 uses std::exchange without it

#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>
#include <string>

namespace neutrino::channel {

struct TlsFiles {
  std::string cert_file;  // PEM certificate (chain) presented to the peer; empty: none
  std::string key_file;   // its PEM private key
  std::string ca_file;    // PEM CA bundle the peer's certificate must chain to; empty: none
};

// The controller's context: presents cert_file. With ca_file every agent must present a
// certificate that chains to it (mutual TLS). Throws std::runtime_error naming the bad file.
boost::asio::ssl::context make_server_tls(const TlsFiles& files);

// The agent's context: trusts ca_file only (never the system store: the channel's CA is the
// operator's), and presents cert_file when one is given. Throws std::runtime_error.
boost::asio::ssl::context make_client_tls(const TlsFiles& files);

// Makes a client connection check that the server's certificate is issued to `host` (a DNS
// name or an IP literal), and sends `host` as SNI when it is a name.
void expect_server_name(SSL* ssl, const std::string& host);

// A handshake error for the log, with OpenSSL's verdict on the peer's certificate when that
// is what failed ("certificate verify failed: hostname mismatch").
std::string describe_tls_error(const boost::system::error_code& ec, SSL* ssl);

// The subject of the certificate the peer presented ("CN=compute1,O=..."), or "".
std::string peer_certificate_subject(SSL* ssl);

}  // namespace neutrino::channel
