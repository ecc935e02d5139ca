#include "controller/compute/microversion.hpp"

#include <algorithm>
#include <cctype>
#include <regex>

#include "controller/api/api_error.hpp"

namespace neutrino::compute {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string trim(const std::string& text) {
  const size_t first = text.find_first_not_of(" \t");
  if (first == std::string::npos) {
    return "";
  }
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// OpenStack-API-Version may name several services ("compute 2.47, image 2.5"); only the
// compute entry counts, as microversion_parse reads it.
std::optional<std::string> compute_entry(const std::string& header) {
  size_t start = 0;
  while (start <= header.size()) {
    const size_t comma = std::min(header.find(',', start), header.size());
    const std::string entry = trim(header.substr(start, comma - start));
    const size_t space = entry.find(' ');
    if (space != std::string::npos && lower(entry.substr(0, space)) == "compute") {
      return trim(entry.substr(space + 1));
    }
    start = comma + 1;
  }
  return std::nullopt;
}

}  // namespace

std::optional<ApiVersion> ApiVersion::parse(const std::string& text) {
  static const std::regex pattern(R"(^([1-9][0-9]{0,5})\.([1-9][0-9]{0,5}|0)$)");
  std::smatch match;
  if (!std::regex_match(text, match, pattern)) {
    return std::nullopt;
  }
  return ApiVersion{std::stoi(match[1].str()), std::stoi(match[2].str())};
}

ApiVersion requested_version(const http::Request& request) {
  std::optional<std::string> asked;
  if (const auto header = request.header("openstack-api-version")) {
    asked = compute_entry(*header);
  }
  if (!asked) {
    asked = request.header("x-openstack-nova-api-version");
  }
  if (!asked) {
    return kMinVersion;
  }
  if (lower(*asked) == "latest") {
    return kMaxVersion;
  }
  const auto version = ApiVersion::parse(*asked);
  if (!version) {
    throw api::bad_request("API Version String " + *asked +
                           " is of invalid format. Must be of format MajorNum.MinorNum.");
  }
  if (*version < kMinVersion || *version > kMaxVersion) {
    throw api::ApiError(406, "InvalidGlobalAPIVersion",
                        "Version " + version->to_string() +
                            " is not supported by the API. Minimum is " + kMinVersion.to_string() +
                            " and maximum is " + kMaxVersion.to_string() + ".");
  }
  return *version;
}

void add_version_headers(http::Response& response, const ApiVersion& version) {
  response.with_header("OpenStack-API-Version", "compute " + version.to_string())
      .with_header("X-OpenStack-Nova-API-Version", version.to_string())
      .with_header("Vary", "OpenStack-API-Version, X-OpenStack-Nova-API-Version");
}

}  // namespace neutrino::compute
