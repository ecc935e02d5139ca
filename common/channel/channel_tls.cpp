#include "common/channel/channel_tls.hpp"

#include <openssl/bio.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <stdexcept>

namespace neutrino::channel {
namespace {

namespace ssl = boost::asio::ssl;

// Prefixes every error so the operator knows which daemon's which setting is wrong.
struct Loader {
  std::string where;  // "agent channel" (controller) or "controller channel" (agent)

  [[noreturn]] void fail(const std::string& what, const std::string& path,
                         const std::string& reason) const {
    throw std::runtime_error(where + ": cannot load " + what + " " + path + ": " + reason);
  }

  // OpenSSL reports a missing file as "system lib"; checking first lets the message say why.
  void require_readable(const std::string& what, const std::string& path) const {
    if (!std::ifstream(path)) {
      fail(what, path, std::strerror(errno));
    }
  }

  void identity(ssl::context& context, const TlsFiles& files) const {
    require_readable("TLS certificate", files.cert_file);
    require_readable("TLS key", files.key_file);
    boost::system::error_code ec;
    context.use_certificate_chain_file(files.cert_file, ec);
    if (ec) {
      fail("TLS certificate", files.cert_file, ec.message());
    }
    // Fails with "key values mismatch" when the key is not the certificate's.
    context.use_private_key_file(files.key_file, ssl::context::pem, ec);
    if (ec) {
      fail("TLS key", files.key_file, ec.message());
    }
  }

  void authority(ssl::context& context, const std::string& ca_file) const {
    require_readable("CA file", ca_file);
    boost::system::error_code ec;
    context.load_verify_file(ca_file, ec);
    if (ec) {
      fail("CA file", ca_file, ec.message());
    }
  }
};

ssl::context base_context(ssl::context::method method) {
  ssl::context context(method);
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  return context;
}

}  // namespace

ssl::context make_server_tls(const TlsFiles& files) {
  const Loader load{"agent channel"};
  if (files.cert_file.empty() || files.key_file.empty()) {
    throw std::runtime_error("agent channel: TLS needs both a certificate and a key");
  }
  ssl::context context = base_context(ssl::context::tls_server);
  load.identity(context, files);
  if (!files.ca_file.empty()) {
    load.authority(context, files.ca_file);
    // Names the accepted CAs in the handshake, so a client holding several certificates
    // knows which one to present.
    SSL_CTX_set_client_CA_list(context.native_handle(),
                               SSL_load_client_CA_file(files.ca_file.c_str()));
    context.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
  }
  return context;
}

ssl::context make_client_tls(const TlsFiles& files) {
  const Loader load{"controller channel"};
  if (files.ca_file.empty()) {
    throw std::runtime_error("controller channel: TLS needs the controller's CA file");
  }
  if (files.cert_file.empty() != files.key_file.empty()) {
    throw std::runtime_error("controller channel: the TLS certificate and key go together");
  }
  ssl::context context = base_context(ssl::context::tls_client);
  load.authority(context, files.ca_file);
  context.set_verify_mode(ssl::verify_peer);
  if (!files.cert_file.empty()) {
    load.identity(context, files);
  }
  return context;
}

void expect_server_name(SSL* ssl, const std::string& host) {
  boost::system::error_code not_ip;
  boost::asio::ip::make_address(host, not_ip);
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  if (!not_ip) {
    X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
    return;
  }
  SSL_set_tlsext_host_name(ssl, host.c_str());  // SNI must not carry an IP address
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
}

std::string describe_tls_error(const boost::system::error_code& ec, SSL* ssl) {
  std::string text = ec.message();
  if (ssl != nullptr) {
    const long verdict = SSL_get_verify_result(ssl);
    if (verdict != X509_V_OK) {
      text += std::string(": ") + X509_verify_cert_error_string(verdict);
    }
  }
  return text;
}

std::string peer_certificate_subject(SSL* ssl) {
  X509* certificate = ssl == nullptr ? nullptr : SSL_get0_peer_certificate(ssl);
  if (certificate == nullptr) {
    return "";
  }
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  if (!bio ||
      X509_NAME_print_ex(bio.get(), X509_get_subject_name(certificate), 0, XN_FLAG_RFC2253) < 0) {
    return "?";
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

}  // namespace neutrino::channel
