#include "controller/neutron/segment_requests.hpp"

#include <set>
#include <tuple>

#include "controller/api/api_error.hpp"
#include "controller/neutron/resource_schema.hpp"

namespace neutrino::neutron {
namespace {

constexpr const char* kType = "provider:network_type";
constexpr const char* kPhysnet = "provider:physical_network";
constexpr const char* kSegmentationId = "provider:segmentation_id";

std::optional<std::string> optional_string(const Json& attributes, const char* key) {
  const auto it = attributes.find(key);
  if (it == attributes.end() || it->is_null()) {
    return std::nullopt;
  }
  if (!it->is_string()) {
    throw api::bad_request("Invalid input for " + std::string(key) + ". Reason: '" + it->dump() +
                           "' is not a valid string.");
  }
  return it->get<std::string>();
}

std::optional<int64_t> optional_int(const Json& attributes, const char* key) {
  const auto it = attributes.find(key);
  if (it == attributes.end() || it->is_null()) {
    return std::nullopt;
  }
  return to_int(*it, key);
}

SegmentRequest from_attributes(const Json& attributes) {
  return {optional_string(attributes, kType), optional_string(attributes, kPhysnet),
          optional_int(attributes, kSegmentationId)};
}

SegmentRequest from_segment(const Json& segment) {
  if (!segment.is_object()) {
    throw api::bad_request("Invalid input for segments. Reason: '" + segment.dump() +
                           "' is not a dictionary.");
  }
  std::string unknown;
  for (const auto& item : segment.items()) {
    if (item.key() != kType && item.key() != kPhysnet && item.key() != kSegmentationId) {
      unknown += (unknown.empty() ? "" : ", ") + item.key();
    }
  }
  if (!unknown.empty()) {
    throw api::bad_request("Unrecognized attribute(s) '" + unknown + "'");
  }
  return from_attributes(segment);
}

// A segment that leaves its id (or physnet) to the allocator may repeat (ML2's
// is_partial_segment): each repetition gets its own.
bool partial(const SegmentRequest& r) {
  const std::string type = r.network_type.value_or("");
  if (type == "vlan") {
    return !r.physical_network || !r.segmentation_id;
  }
  if (type == "flat") {
    return !r.physical_network;
  }
  return !r.segmentation_id;
}

}  // namespace

std::vector<SegmentRequest> requested_segments(const Json& attributes) {
  const SegmentRequest single = from_attributes(attributes);
  const auto segments = attributes.find("segments");
  const bool has_segments = segments != attributes.end() && !segments->is_null();
  if (!single.empty() && has_segments) {
    throw api::bad_request("Segments and provider values cannot both be set.",
                           "SegmentsSetInConjunctionWithProviders");
  }
  if (!has_segments || (segments->is_array() && segments->empty())) {
    return {single};
  }
  if (!segments->is_array()) {
    throw api::bad_request("Invalid input for segments. Reason: '" + segments->dump() +
                           "' is not a list.");
  }
  std::vector<SegmentRequest> out;
  std::set<std::tuple<std::string, std::string, int64_t>> full;
  for (const auto& segment : *segments) {
    const SegmentRequest r = from_segment(segment);
    if (!partial(r) && !full.emplace(r.network_type.value_or(""), r.physical_network.value_or(""),
                                     r.segmentation_id.value_or(0))
                            .second) {
      throw api::bad_request("Duplicate segment entry in request.",
                             "SegmentsContainDuplicateEntry");
    }
    out.push_back(r);
  }
  return out;
}

}  // namespace neutrino::neutron
