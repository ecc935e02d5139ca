#pragma once
// Nova's API microversions: "2.47" as a comparable value, and the version a request asks for
// through OpenStack-API-Version ("compute 2.47") or the older X-OpenStack-Nova-API-Version
// header. Every response of the compute API echoes the version it was served at.
#include <compare>
#include <optional>
#include <string>

#include "controller/http/http_request.hpp"
#include "controller/http/http_response.hpp"

namespace neutrino::compute {

struct ApiVersion {
  int major = 0;
  int minor = 0;

  auto operator<=>(const ApiVersion&) const = default;
  std::string to_string() const { return std::to_string(major) + "." + std::to_string(minor); }
  // "2.47"; nullopt unless it is MajorNum.MinorNum as Nova's regular expression says.
  static std::optional<ApiVersion> parse(const std::string& text);
};

// The range this API honours. 2.79 covers every shape change of the resources served here
// that the Debian 12 clients ask for (openstacksdk negotiates up to 2.73 for servers, 2.69 for
// services, 2.61 for flavors, 2.10 for key pairs; novaclient sends 2.1 unless told otherwise).
inline constexpr ApiVersion kMinVersion{2, 1};
inline constexpr ApiVersion kMaxVersion{2, 79};

// The version a request asks for: kMinVersion when it names none, kMaxVersion for "latest".
// Throws api::ApiError 400 for a malformed version and 406 for one outside the range, with
// Nova's messages.
ApiVersion requested_version(const http::Request& request);

// Adds OpenStack-API-Version, X-OpenStack-Nova-API-Version and Vary, as Nova does.
void add_version_headers(http::Response& response, const ApiVersion& version);

}  // namespace neutrino::compute
