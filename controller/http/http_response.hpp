#pragma once
// What a handler answers. The server adds Content-Length, Date and connection handling.
#include <string>
#include <utility>
#include <vector>

#include "common/json.hpp"

namespace neutrino::http {

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string content_type = "application/json";
  std::string body;
  // When set, the body is this file's content, sent as it is read (downloads of images);
  // `body` is then ignored.
  std::string file_path;

  static Response json(int status, const Json& body) {
    Response r;
    r.status = status;
    r.body = body.dump();
    return r;
  }
  static Response empty(int status) {
    Response r;
    r.status = status;
    r.content_type.clear();
    return r;
  }
  Response& with_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

}  // namespace neutrino::http
