#pragma once
// Checks what the metadata proxy says about a guest. The proxy (in the DHCP namespace, where
// it knows the guest by network and source address) names the instance in X-Instance-ID and
// signs that id with the shared secret in X-Instance-ID-Signature; X-Tenant-ID and
// X-Forwarded-For (the guest's address) ride along. Only the id is signed, so the id is what
// the service trusts; the tenant is checked against the instance's record afterwards.
#include <string>

#include "common/channel/hmac_signer.hpp"
#include "controller/http/http_request.hpp"

namespace neutrino::metadata {

struct SignedRequest {
  std::string instance_id;
  std::string tenant_id;
  std::string forwarded_for;  // the guest's address; empty when absent or not an address
};

class SignedRequestVerifier {
 public:
  explicit SignedRequestVerifier(std::string secret) : signer_(std::move(secret)) {}

  // Throws MetadataRefusal: 400 when X-Instance-ID or X-Tenant-ID is missing or repeated,
  // 403 when the signature is missing or is not HMAC-SHA256(secret, instance id) in hex
  // (compared in constant time).
  SignedRequest verify(const http::Request& request) const;

 private:
  channel::HmacSigner signer_;
};

}  // namespace neutrino::metadata
