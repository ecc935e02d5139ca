#pragma once
// The metadata service guests reach through the agent's proxy: Nova's EC2 and OpenStack
// documents for the instance the proxy names and signs. It serves its own listener, as Nova's
// nova-api-metadata does (port 8775), so guests' paths ("/latest/...", "/openstack/...") never
// meet the Neutron API's and no token is involved. Errors are short plain-text pages.
#include <string>

#include "controller/http/http_request.hpp"
#include "controller/http/http_response.hpp"
#include "controller/metadata/signed_request.hpp"
#include "controller/store/database.hpp"
#include "metadata/instance_metadata.hpp"

namespace neutrino::metadata {

class MetadataService {
 public:
  // `dhcp_domain` is appended to host names without a dot, as Nova's [api] dhcp_domain
  // ("novalocal"); empty leaves them alone.
  MetadataService(store::Database& db, std::string secret, std::string dhcp_domain);

  // GET and HEAD only. "/" lists the versions without checking anything, as Nova does; every
  // other path needs a valid signature (403), a known instance (404) and the instance's own
  // project in X-Tenant-ID (403).
  http::Response handle(const http::Request& request) const;

 private:
  InstanceMetadata load(const SignedRequest& request, bool with_random_seed) const;

  store::Database& db_;
  SignedRequestVerifier verifier_;
  std::string dhcp_domain_;
};

}  // namespace neutrino::metadata
