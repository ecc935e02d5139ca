#pragma once
// Maps (method, path pattern) to handlers. Patterns are literal segments and "{name}"
// captures: "/v2.0/networks/{id}/tags/{tag}". Unknown paths are 404; a known path with another
// method is 405, as Neutron (routes + webob) answers.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "controller/http/http_request.hpp"
#include "controller/http/http_response.hpp"

namespace neutrino::http {

using PathParams = std::map<std::string, std::string>;
using Handler = std::function<Response(const Request&, const PathParams&)>;

struct RouteMatch {
  const Handler* handler = nullptr;  // null when nothing matched
  bool path_known = false;           // some route has this path with another method
  PathParams params;
};

class Router {
 public:
  void add(const std::string& method, const std::string& pattern, Handler handler);
  RouteMatch match(const std::string& method, const std::string& path) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    Handler handler;
  };
  static std::vector<std::string> split(const std::string& path);
  std::vector<Route> routes_;
};

}  // namespace neutrino::http
