#pragma once
// Between Beast's wire messages and the server's Request/Response, private to the server:
// running the handler (exceptions become a 500), checking header lines, and rendering the
// server's own refusals. Kept apart from the session template so that stays I/O only.
#include <string>
#include <variant>

#include <boost/beast/http.hpp>

#include "controller/http/http_server.hpp"

namespace neutrino::http::detail {

namespace bhttp = boost::beast::http;
using WireRequest = bhttp::request<bhttp::string_body>;
using WireResponse = bhttp::response<bhttp::string_body>;
// A response whose body is a file (Response::file_path), sent as it is read.
using FileResponse = bhttp::response<bhttp::file_body>;
using Outgoing = std::variant<WireResponse, FileResponse>;

// Runs `handler` on the request; keep-alive as the client asked, unless the response or
// `keep_alive` (the server's setting) says otherwise.
Outgoing answer(WireRequest&& wire, const RequestHandler& handler,
                const std::string& remote_address, bool secure, bool keep_alive);

// A request's head (its body still unread) as handlers see it, for streaming routes.
Request head_of(const WireRequest& header, const std::string& remote_address, bool secure);

// Calls a streaming route's step (start, write, finish, fail): an exception becomes a 500.
template <class Step>
auto guarded_step(const std::string& what, Step step) -> decltype(step());
Response internal_error(const std::string& what, const char* why);

// A handler's response (never a file) for the wire; keep-alive as `keep_alive` says.
WireResponse to_wire_response(Response&& response, unsigned version, bool keep_alive);

// Bytes a response's body will take on the wire, for the write deadline.
uint64_t body_bytes(const Outgoing& response);

// A refusal rendered by `render` (Neutron's body when empty), never kept alive.
WireResponse error_response(const ErrorRenderer& render, int status, const std::string& type,
                            const std::string& message, const std::string& path = "",
                            unsigned version = 11);

// Whether a parsed header breaks max_header_line: the refusal to send, or nullopt.
enum class HeaderProblem { kNone, kRequestLineTooLong, kHeaderLineTooLong };
HeaderProblem check_header_lines(const WireRequest& header, size_t max_line);

// The path of a request target, for choosing an error format: "/v3/x" for "/v3/x?y".
std::string path_of(const WireRequest& header);

template <class Step>
auto guarded_step(const std::string& what, Step step) -> decltype(step()) {
  try {
    return step();
  } catch (const std::exception& e) {
    return internal_error(what, e.what());
  } catch (...) {
    return internal_error(what, "a non-standard exception");
  }
}

}  // namespace neutrino::http::detail
