#pragma once
// Key pair material as Nova checks it: an OpenSSH public key ("ssh-ed25519 AAAA... comment")
// whose blob is well formed for its type, or (type x509) a PEM certificate; and the
// fingerprints Nova shows for them (MD5 of the SSH key blob, SHA-1 of the certificate, both
// as colon-separated hex). Also generates the RSA key pair Nova hands out when a create
// request carries no public key.
#include <optional>
#include <string>

namespace neutrino::compute {

// The fingerprint, or nullopt when the key does not parse.
std::optional<std::string> ssh_fingerprint(const std::string& public_key);
std::optional<std::string> x509_fingerprint(const std::string& pem_certificate);

struct GeneratedKeyPair {
  std::string private_key;  // PEM, "-----BEGIN RSA PRIVATE KEY-----"
  std::string public_key;   // "ssh-rsa AAAA... Generated-by-Nova"
  std::string fingerprint;
};
// 2048-bit RSA, as Nova's generate_key_pair.
GeneratedKeyPair generate_ssh_key_pair();

}  // namespace neutrino::compute
