#pragma once
// Maps (method, path pattern) to handlers. Patterns are literal segments and "{name}"
// captures: "/v2.0/networks/{id}/tags/{tag}". Unknown paths are 404; a known path with another
// method is 405, as Neutron (routes + webob) answers.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "controller/http/body_sink.hpp"
#include "controller/http/http_request.hpp"
#include "controller/http/http_response.hpp"

namespace neutrino::http {

using PathParams = std::map<std::string, std::string>;
using Handler = std::function<Response(const Request&, const PathParams&)>;
// A route that takes its body as a stream (see body_sink.hpp).
using StreamHandler = std::function<StreamStart(const Request& head, const PathParams&)>;

struct RouteMatch {
  const Handler* handler = nullptr;       // null when nothing matched
  const StreamHandler* stream = nullptr;  // set when the route streams its body
  bool path_known = false;                // some route has this path with another method
  PathParams params;
};

class Router {
 public:
  void add(const std::string& method, const std::string& pattern, Handler handler);
  // A streaming route. It also gets a plain handler that feeds it the buffered body in one
  // piece, for callers that hold the whole request (tests, small bodies).
  void add_stream(const std::string& method, const std::string& pattern, StreamHandler handler);
  RouteMatch match(const std::string& method, const std::string& path) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    Handler handler;
    StreamHandler stream;
  };
  static std::vector<std::string> split(const std::string& path);
  std::vector<Route> routes_;
};

}  // namespace neutrino::http
