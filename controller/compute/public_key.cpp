#include "controller/compute/public_key.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <memory>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "controller/identity/base64.hpp"

namespace neutrino::compute {
namespace {

using Bytes = std::vector<uint8_t>;

// Reads the length-prefixed fields of an SSH wire-format blob (RFC 4251 section 5) as views
// into it.
class BlobReader {
 public:
  explicit BlobReader(std::string_view data) : data_(data) {}

  std::optional<std::string_view> field() {
    if (data_.size() < 4) {
      return std::nullopt;
    }
    const auto byte = [&](size_t i) {
      return static_cast<uint32_t>(static_cast<uint8_t>(data_[i]));
    };
    const uint32_t length = (byte(0) << 24) | (byte(1) << 16) | (byte(2) << 8) | byte(3);
    data_.remove_prefix(4);
    if (data_.size() < length) {
      return std::nullopt;
    }
    const std::string_view out = data_.substr(0, length);
    data_.remove_prefix(length);
    return out;
  }
  bool done() const { return data_.empty(); }

 private:
  std::string_view data_;
};

// A positive mpint: non-empty, no sign bit, no superfluous leading zero.
bool positive_mpint(const std::optional<std::string_view>& value) {
  if (!value || value->empty() || (static_cast<uint8_t>((*value)[0]) & 0x80) != 0) {
    return false;
  }
  return !((*value)[0] == 0 &&
           (value->size() == 1 || (static_cast<uint8_t>((*value)[1]) & 0x80) == 0));
}

bool valid_blob(const std::string& type, std::string_view blob) {
  BlobReader reader(blob);
  if (reader.field() != std::optional<std::string_view>(type)) {
    return false;
  }
  if (type == "ssh-rsa") {
    const auto e = reader.field();
    const auto n = reader.field();
    return positive_mpint(e) && positive_mpint(n) && n->size() >= 128 && reader.done();
  }
  if (type == "ssh-dss") {
    for (int i = 0; i < 4; ++i) {
      if (!positive_mpint(reader.field())) {
        return false;
      }
    }
    return reader.done();
  }
  if (type == "ssh-ed25519") {
    const auto key = reader.field();
    return key && key->size() == 32 && reader.done();
  }
  for (const auto& [curve, point] :
       {std::pair{"nistp256", 65u}, {"nistp384", 97u}, {"nistp521", 133u}}) {
    if (type == std::string("ecdsa-sha2-") + curve) {
      const auto name = reader.field();
      const auto q = reader.field();
      return name == std::optional<std::string_view>(curve) && q && q->size() == point &&
             (*q)[0] == 0x04 && reader.done();
    }
  }
  return false;
}

std::string colon_hex(const unsigned char* digest, unsigned int length) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    if (i > 0) {
      out.push_back(':');
    }
    out.push_back(digits[digest[i] >> 4]);
    out.push_back(digits[digest[i] & 0xf]);
  }
  return out;
}

std::string digest_hex(const EVP_MD* md, const unsigned char* data, size_t size) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data, size, digest, &length, md, nullptr) != 1) {
    throw std::runtime_error("digest failed");
  }
  return colon_hex(digest, length);
}

void put_field(Bytes& out, const Bytes& field) {
  const auto n = static_cast<uint32_t>(field.size());
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<uint8_t>(n >> shift));
  }
  out.insert(out.end(), field.begin(), field.end());
}

Bytes mpint(const EVP_PKEY* key, const char* param) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, param, &bn) != 1) {
    throw std::runtime_error("cannot read RSA parameter");
  }
  Bytes out(static_cast<size_t>(BN_num_bytes(bn)));
  BN_bn2bin(bn, out.data());
  BN_free(bn);
  if (!out.empty() && (out[0] & 0x80) != 0) {
    out.insert(out.begin(), 0);
  }
  return out;
}

}  // namespace

std::optional<std::string> ssh_fingerprint(const std::string& public_key) {
  std::istringstream in(public_key);
  std::string type;
  std::string encoded;
  if (!(in >> type >> encoded)) {
    return std::nullopt;
  }
  const auto blob = identity::base64_decode(encoded);
  if (!blob || !valid_blob(type, std::string_view(reinterpret_cast<const char*>(blob->data()),
                                                  blob->size()))) {
    return std::nullopt;
  }
  return digest_hex(EVP_md5(), blob->data(), blob->size());
}

std::optional<std::string> x509_fingerprint(const std::string& pem_certificate) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem_certificate.data(), static_cast<int>(pem_certificate.size())), BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free);
  if (!cert) {
    return std::nullopt;
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (X509_digest(cert.get(), EVP_sha1(), digest, &length) != 1) {
    return std::nullopt;
  }
  return colon_hex(digest, length);
}

GeneratedKeyPair generate_ssh_key_pair() {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_RSA_gen(2048), EVP_PKEY_free);
  if (!key) {
    throw std::runtime_error("RSA key generation failed");
  }
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  if (PEM_write_bio_PrivateKey_traditional(bio.get(), key.get(), nullptr, nullptr, 0, nullptr,
                                           nullptr) != 1) {
    throw std::runtime_error("cannot encode the private key");
  }
  char* pem = nullptr;
  const long pem_length = BIO_get_mem_data(bio.get(), &pem);
  Bytes blob;
  const std::string type = "ssh-rsa";
  put_field(blob, Bytes(type.begin(), type.end()));
  put_field(blob, mpint(key.get(), OSSL_PKEY_PARAM_RSA_E));
  put_field(blob, mpint(key.get(), OSSL_PKEY_PARAM_RSA_N));
  GeneratedKeyPair pair;
  pair.private_key.assign(pem, static_cast<size_t>(pem_length));
  pair.public_key = type + " " + identity::base64_encode(blob) + " Generated-by-Nova";
  pair.fingerprint = digest_hex(EVP_md5(), blob.data(), blob.size());
  return pair;
}

}  // namespace neutrino::compute
