#pragma once
// The segments a network create asks for, as ML2's _process_provider_create reads them: one
// from the provider:* attributes, several from multi-provider's `segments` list (never both),
// or one empty request (a tenant network, given a segment from the tenant ranges).
#include <vector>

#include "common/json.hpp"
#include "controller/neutron/segment_allocator.hpp"

namespace neutrino::neutron {

// Throws api::ApiError 400 as Neutron: SegmentsSetInConjunctionWithProviders, an unknown key
// in a segment, a segmentation id that is no integer, SegmentsContainDuplicateEntry (two
// identical segments that are fully specified).
std::vector<SegmentRequest> requested_segments(const Json& attributes);

}  // namespace neutrino::neutron
