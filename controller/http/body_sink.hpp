#pragma once
// Streaming request bodies. A route that takes large bodies (image uploads) receives its
// body piece by piece as the server reads it, instead of one buffered string: the server
// reads the request head, asks the route to start (it may refuse at once with a response),
// then feeds every chunk to the sink and asks it for the response at the end. The server's
// limits and deadlines still apply to every read.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "controller/http/http_request.hpp"
#include "controller/http/http_response.hpp"

namespace neutrino::http {

class BodySink {
 public:
  virtual ~BodySink() = default;
  // The next piece of the body. A response means "stop reading, answer this" (the server then
  // closes the connection, since the rest of the body was not read).
  virtual std::optional<Response> write(std::string_view chunk) = 0;
  // The whole body has arrived.
  virtual Response finish() = 0;
  // The body did not arrive whole (the client went away or stalled past the deadline, or the
  // framing was broken). The sink undoes what it started; the response is sent if the client
  // can still read it.
  virtual Response fail(const std::string& why) = 0;
};

// What a streaming route answers to a request head (Request::body is empty): a sink for the
// body, or a response that ends the request before any body is read.
using StreamStart = std::variant<Response, std::unique_ptr<BodySink>>;

}  // namespace neutrino::http
