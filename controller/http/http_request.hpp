#pragma once
// A parsed HTTP request as handlers see it, independent of the server library underneath.
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace neutrino::http {

// Query parameters in the order they came; keys may repeat (Neutron filters use that).
using QueryParams = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // raw target, "/v2.0/ports?fields=id"
  std::string path;    // percent-decoded path without the query, "/v2.0/ports"
  QueryParams query;   // percent-decoded
  std::map<std::string, std::string> headers;  // keys lower-cased
  std::string body;
  std::string remote_address;  // peer IP as text
  bool secure = false;         // arrived over TLS

  std::optional<std::string> header(const std::string& lower_case_name) const {
    auto it = headers.find(lower_case_name);
    if (it == headers.end()) {
      return std::nullopt;
    }
    return it->second;
  }
};

// Splits "a=1&b=x%20y" into decoded pairs; '+' means space as browsers and requests send it.
QueryParams parse_query(const std::string& raw);
std::string percent_decode(const std::string& text);
std::string percent_encode(const std::string& text);

}  // namespace neutrino::http
