#include "tests/support/test_pki.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace neutrino::testing {
namespace {

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using CertPtr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;

void check(bool ok, const char* what) {
  if (!ok) {
    throw std::runtime_error(std::string("test certificate: ") + what + " failed");
  }
}

KeyPtr new_key() {
  KeyPtr key(EVP_EC_gen("P-256"));
  check(key != nullptr, "EVP_EC_gen");
  return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, cert, nullptr, nullptr, 0);
  ExtPtr extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str()));
  check(extension != nullptr && X509_add_ext(cert, extension.get(), -1) == 1, "extension");
}

// Signed by `issuer_key`; `issuer` null means self-signed. Valid from an hour ago for a day.
CertPtr make_cert(EVP_PKEY* key, const std::string& common_name, const std::string& alt_names,
                  X509* issuer, EVP_PKEY* issuer_key, bool is_ca) {
  static std::atomic<long> serial{1};
  CertPtr cert(X509_new());
  check(cert != nullptr, "X509_new");
  check(X509_set_version(cert.get(), 2) == 1, "X509_set_version");  // v3, for extensions
  check(ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial++) == 1, "serial");
  check(X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) != nullptr, "notBefore");
  check(X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600) != nullptr, "notAfter");
  check(X509_set_pubkey(cert.get(), key) == 1, "X509_set_pubkey");
  X509_NAME* name = X509_get_subject_name(cert.get());
  check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>(common_name.c_str()), -1,
                                   -1, 0) == 1,
        "subject");
  X509* signer = issuer != nullptr ? issuer : cert.get();
  check(X509_set_issuer_name(cert.get(), X509_get_subject_name(signer)) == 1, "issuer");
  if (is_ca) {
    add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
    add_extension(cert.get(), signer, NID_subject_key_identifier, "hash");
  } else if (issuer != nullptr) {
    add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
    add_extension(cert.get(), signer, NID_authority_key_identifier, "keyid");
  }
  if (!alt_names.empty()) {
    add_extension(cert.get(), signer, NID_subject_alt_name, alt_names);
  }
  check(X509_sign(cert.get(), issuer_key, EVP_sha256()) > 0, "X509_sign");
  return cert;
}

void write_pem(const std::string& path, auto&& writer) {
  FILE* file = std::fopen(path.c_str(), "w");
  check(file != nullptr, "fopen");
  const bool ok = writer(file) == 1;
  std::fclose(file);
  check(ok, "PEM write");
}

void write_pair(const PemFiles& files, X509* cert, EVP_PKEY* key) {
  write_pem(files.cert_file, [&](FILE* f) { return PEM_write_X509(f, cert); });
  write_pem(files.key_file, [&](FILE* f) {
    return PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
  });
}

}  // namespace

struct TestPki::Authority {
  KeyPtr key;
  CertPtr cert;
};

TestPki::TestPki(const std::string& ca_name)
    : dir_(make_temp_dir("neutrino-pki")), authority_(std::make_unique<Authority>()) {
  authority_->key = new_key();
  authority_->cert =
      make_cert(authority_->key.get(), ca_name, "", nullptr, authority_->key.get(), true);
  write_pem(ca_file(), [&](FILE* f) { return PEM_write_X509(f, authority_->cert.get()); });
}

TestPki::~TestPki() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

PemFiles TestPki::issue(const std::string& stem, const std::string& common_name,
                        const std::string& subject_alt_names) {
  const PemFiles files{(dir_ / (stem + ".pem")).string(), (dir_ / (stem + "-key.pem")).string()};
  const KeyPtr key = new_key();
  const CertPtr cert = make_cert(key.get(), common_name, subject_alt_names, authority_->cert.get(),
                                 authority_->key.get(), false);
  write_pair(files, cert.get(), key.get());
  return files;
}

std::filesystem::path make_temp_dir(const std::string& prefix) {
  std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
  check(mkdtemp(pattern.data()) != nullptr, "mkdtemp");
  return pattern;
}

void write_self_signed_cert(const PemFiles& files, const std::string& common_name,
                            const std::string& subject_alt_names) {
  const KeyPtr key = new_key();
  const CertPtr cert =
      make_cert(key.get(), common_name, subject_alt_names, nullptr, key.get(), false);
  write_pair(files, cert.get(), key.get());
}

}  // namespace neutrino::testing
