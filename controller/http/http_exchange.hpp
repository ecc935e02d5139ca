#pragma once
// Between Beast's wire messages and the server's Request/Response, private to the server:
// running the handler (exceptions become a 500), checking header lines, and rendering the
// server's own refusals. Kept apart from the session template so that stays I/O only.
#include <string>

#include <boost/beast/http.hpp>

#include "controller/http/http_server.hpp"

namespace neutrino::http::detail {

namespace bhttp = boost::beast::http;
using WireRequest = bhttp::request<bhttp::string_body>;
using WireResponse = bhttp::response<bhttp::string_body>;

// Runs `handler` on the request; keep-alive as the client asked, unless the response or
// `keep_alive` (the server's setting) says otherwise.
WireResponse answer(WireRequest&& wire, const RequestHandler& handler,
                    const std::string& remote_address, bool secure, bool keep_alive);

// A refusal rendered by `render` (Neutron's body when empty), never kept alive.
WireResponse error_response(const ErrorRenderer& render, int status, const std::string& type,
                            const std::string& message, const std::string& path = "",
                            unsigned version = 11);

// Whether a parsed header breaks max_header_line: the refusal to send, or nullopt.
enum class HeaderProblem { kNone, kRequestLineTooLong, kHeaderLineTooLong };
HeaderProblem check_header_lines(const WireRequest& header, size_t max_line);

// The path of a request target, for choosing an error format: "/v3/x" for "/v3/x?y".
std::string path_of(const WireRequest& header);

}  // namespace neutrino::http::detail
