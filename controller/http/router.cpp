#include "controller/http/router.hpp"

namespace neutrino::http {

std::vector<std::string> Router::split(const std::string& path) {
  std::vector<std::string> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) {
      end = path.size();
    }
    if (end > start) {
      segments.push_back(path.substr(start, end - start));
    }
    start = end + 1;
  }
  return segments;
}

void Router::add(const std::string& method, const std::string& pattern, Handler handler) {
  routes_.push_back(Route{method, split(pattern), std::move(handler), nullptr});
}

void Router::add_stream(const std::string& method, const std::string& pattern,
                        StreamHandler handler) {
  Handler buffered = [handler](const Request& request, const PathParams& params) {
    StreamStart start = handler(request, params);
    if (auto* refused = std::get_if<Response>(&start)) {
      return std::move(*refused);
    }
    auto& sink = std::get<std::unique_ptr<BodySink>>(start);
    if (auto stopped = sink->write(request.body)) {
      return std::move(*stopped);
    }
    return sink->finish();
  };
  routes_.push_back(Route{method, split(pattern), std::move(buffered), std::move(handler)});
}

RouteMatch Router::match(const std::string& method, const std::string& path) const {
  RouteMatch result;
  const auto segments = split(path);
  for (const Route& route : routes_) {
    if (route.segments.size() != segments.size()) {
      continue;
    }
    PathParams params;
    bool same = true;
    for (size_t i = 0; i < segments.size() && same; ++i) {
      const std::string& want = route.segments[i];
      if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
        params[want.substr(1, want.size() - 2)] = segments[i];
      } else {
        same = want == segments[i];
      }
    }
    if (!same) {
      continue;
    }
    // HEAD is served by the GET handler; the server drops the body.
    if (route.method == method || (method == "HEAD" && route.method == "GET")) {
      if (route.method == method || result.handler == nullptr) {
        result.handler = &route.handler;
        result.stream = route.stream ? &route.stream : nullptr;
        result.params = std::move(params);
      }
      if (route.method == method) {
        return result;
      }
    }
    result.path_known = true;
  }
  return result;
}

}  // namespace neutrino::http
