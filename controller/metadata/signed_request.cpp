#include "controller/metadata/signed_request.hpp"

#include "common/log.hpp"
#include "common/text_prefix.hpp"
#include "controller/ipam/ip_address.hpp"
#include "controller/metadata/metadata_refusal.hpp"

namespace neutrino::metadata {
namespace {

std::string trimmed(const std::string& text) {
  const size_t first = text.find_first_not_of(" \t");
  if (first == std::string::npos) {
    return "";
  }
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// The server joins repeated header fields with ", " (RFC 7230), so a comma means the field
// came more than once.
bool repeated(const std::string& value) {
  return value.find(',') != std::string::npos;
}

// The first address of X-Forwarded-For ("guest, proxy, ..."), if it is one.
std::string first_address(const std::optional<std::string>& header) {
  if (!header) {
    return "";
  }
  const std::string first = trimmed(header->substr(0, header->find(',')));
  const auto address = ipam::IpAddress::parse(first);
  return address ? address->to_string() : "";
}

}  // namespace

SignedRequest SignedRequestVerifier::verify(const http::Request& request) const {
  const auto instance_id = request.header("x-instance-id");
  const auto signature = request.header("x-instance-id-signature");
  const auto tenant_id = request.header("x-tenant-id");
  if (!instance_id || instance_id->empty()) {
    throw MetadataRefusal(400, "X-Instance-ID header is missing from request.");
  }
  if (!signature || signature->empty()) {
    throw MetadataRefusal(403, "Invalid proxy request signature.");
  }
  if (!tenant_id || tenant_id->empty()) {
    throw MetadataRefusal(400, "X-Tenant-ID header is missing from request.");
  }
  if (repeated(*instance_id)) {
    throw MetadataRefusal(400, "Multiple X-Instance-ID headers found within request.");
  }
  if (repeated(*tenant_id)) {
    throw MetadataRefusal(400, "Multiple X-Tenant-ID headers found within request.");
  }
  const std::string forwarded_for = first_address(request.header("x-forwarded-for"));
  if (!signer_.verify(*instance_id, *signature)) {
    log::warning("metadata: X-Instance-ID-Signature does not match for instance ",
                 text_prefix(*instance_id), " (request from ",
                 forwarded_for.empty() ? "?" : text_prefix(forwarded_for), " via ",
                 request.remote_address, ")");
    throw MetadataRefusal(403, "Invalid proxy request signature.");
  }
  return {*instance_id, *tenant_id, forwarded_for};
}

}  // namespace neutrino::metadata
