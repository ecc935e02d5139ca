#include "controller/metadata/metadata_service.hpp"

#include "common/log.hpp"
#include "common/random.hpp"
#include "controller/api/api_error.hpp"
#include "controller/identity/base64.hpp"
#include "controller/metadata/instance_store.hpp"
#include "controller/metadata/metadata_refusal.hpp"
#include "controller/metadata/vif_loader.hpp"
#include "metadata/metadata_lookup.hpp"

namespace neutrino::metadata {
namespace {

// Nova's random_seed: 512 bytes for the guest's entropy pool.
constexpr size_t kRandomSeedBytes = 512;

http::Response document(const MetadataDocument& doc) {
  http::Response response;
  response.content_type = doc.content_type;
  response.body = doc.body;
  return response;
}

// "404 Not Found\n\nThe resource could not be found.\n", the plain-text form of webob's page.
http::Response error_page(int status, const std::string& message) {
  http::Response response;
  response.status = status;
  response.content_type = "text/plain; charset=UTF-8";
  response.body =
      std::to_string(status) + " " + api::status_title(status) + "\n\n" + message + "\n";
  return response;
}

std::string with_domain(const std::string& hostname, const std::string& domain) {
  if (domain.empty() || hostname.find('.') != std::string::npos) {
    return hostname;
  }
  return hostname + "." + domain;
}

}  // namespace

MetadataService::MetadataService(store::Database& db, std::string secret, std::string dhcp_domain)
    : db_(db), verifier_(std::move(secret)), dhcp_domain_(std::move(dhcp_domain)) {}

InstanceMetadata MetadataService::load(const SignedRequest& request, bool with_random_seed) const {
  InstanceMetadata md;
  const auto record = db_.read([&](store::SqlSession& s) {
    auto found = InstanceStore::find(s, request.instance_id);
    if (found && found->project_id == request.tenant_id) {
      md.vifs = load_vifs(s, found->id, found->project_id);
    }
    return found;
  });
  if (!record) {
    log::info("metadata: no instance ", request.instance_id);
    throw MetadataRefusal(404, "The resource could not be found.");
  }
  if (record->project_id != request.tenant_id) {
    log::warning("metadata: X-Tenant-ID ", request.tenant_id, " does not own instance ",
                 record->id);
    throw MetadataRefusal(403, "X-Tenant-ID does not match the instance's project.");
  }
  md.uuid = record->id;
  md.ec2_id = record->ec2_id;
  md.reservation_id = record->reservation_id;
  md.name = record->name;
  md.hostname = with_domain(record->hostname, dhcp_domain_);
  md.project_id = record->project_id;
  md.key_name = record->key_name;
  md.public_key = record->public_key.value_or("");
  md.key_type = record->key_type;
  if (record->user_data) {
    const auto bytes = identity::base64_decode(*record->user_data);
    md.user_data = bytes ? std::string(bytes->begin(), bytes->end()) : std::string();
  }
  md.availability_zone = record->availability_zone;
  md.launch_index = record->launch_index;
  md.flavor_name = record->flavor_name;
  md.meta = record->metadata;
  md.security_groups = record->security_groups;
  md.requester_address = request.forwarded_for;
  if (with_random_seed) {
    md.random_seed = identity::base64_encode(random::bytes(kRandomSeedBytes));
  }
  return md;
}

http::Response MetadataService::handle(const http::Request& request) const {
  try {
    if (request.method != "GET" && request.method != "HEAD") {
      return error_page(405, "The method " + request.method + " is not allowed for this resource.")
          .with_header("Allow", "GET, HEAD");
    }
    const auto segments = metadata_path_segments(request.path);
    if (segments.empty()) {
      return document(root_listing());
    }
    const SignedRequest signed_request = verifier_.verify(request);
    const InstanceMetadata instance = load(signed_request, segments.back() == "meta_data.json");
    const auto found = lookup_metadata(request.path, instance);
    if (!found) {
      throw MetadataRefusal(404, "The resource could not be found.");
    }
    return document(*found);
  } catch (const MetadataRefusal& refusal) {
    return error_page(refusal.status(), refusal.what());
  } catch (const std::exception& error) {
    log::error("metadata: ", request.method, " ", request.target, " failed: ", error.what());
    return error_page(500, "An unknown error has occurred. Please try your request again.");
  }
}

}  // namespace neutrino::metadata
