#include "controller/http/http_exchange.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <exception>
#include <filesystem>
#include <stdexcept>

#include "common/json.hpp"
#include "common/log.hpp"
#include "common/text_prefix.hpp"

namespace neutrino::http::detail {
namespace {

std::string lower(std::string out) {
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// IMF-fixdate (RFC 7231 section 7.1.1.1), the only Date format clients must accept.
std::string http_date() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[64];
  const size_t n = std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &utc);
  return std::string(text, n);
}

Request head_request(const WireRequest& wire, const std::string& remote_address, bool secure) {
  Request request;
  request.method = std::string(wire.method_string());
  request.target = std::string(wire.target());
  const size_t question = request.target.find('?');
  request.path = percent_decode(request.target.substr(0, question));
  if (question != std::string::npos) {
    request.query = parse_query(request.target.substr(question + 1));
  }
  for (const auto& field : wire) {
    const std::string value(field.value());
    auto [it, inserted] = request.headers.emplace(lower(std::string(field.name_string())), value);
    if (!inserted) {
      it->second += ", " + value;  // RFC 7230 3.2.2: repeated fields combine with commas
    }
  }
  request.remote_address = remote_address;
  request.secure = secure;
  return request;
}

Request to_request(WireRequest&& wire, const std::string& remote_address, bool secure) {
  Request request = head_request(wire, remote_address, secure);
  request.body = std::move(wire.body());
  return request;
}

bool asks_to_close(const Response& response) {
  for (const auto& [name, value] : response.headers) {
    if (lower(name) == "connection" && lower(value).find("close") != std::string::npos) {
      return true;
    }
  }
  return false;
}

template <class Wire>
void set_head(Wire& wire, Response& response, unsigned version) {
  wire.version(version);
  wire.result(static_cast<unsigned>(response.status));  // throws beyond 999: becomes a 500
  for (auto& [name, value] : response.headers) {
    wire.insert(name, value);
  }
  if (!response.content_type.empty()) {
    wire.set(bhttp::field::content_type, response.content_type);
  }
  wire.set(bhttp::field::server, "neutrino");
  wire.set(bhttp::field::date, http_date());
}

WireResponse to_wire(Response&& response, unsigned version, bool head) {
  WireResponse wire;
  set_head(wire, response, version);
  const size_t length = response.body.size();
  if (!head) {
    wire.body() = std::move(response.body);
  }
  // Set after the body so a HEAD answer still announces the GET body's length.
  wire.content_length(length);
  return wire;
}

// A file response (image downloads): the file is opened here, on the handler pool, and read
// piece by piece while it is written; a HEAD answer only announces its length.
Outgoing to_outgoing(Response&& response, unsigned version, bool head) {
  if (response.file_path.empty()) {
    return to_wire(std::move(response), version, head);
  }
  if (head) {
    WireResponse wire;
    set_head(wire, response, version);
    wire.content_length(std::filesystem::file_size(response.file_path));
    return wire;
  }
  FileResponse wire;
  set_head(wire, response, version);
  boost::beast::error_code ec;
  wire.body().open(response.file_path.c_str(), boost::beast::file_mode::scan, ec);
  if (ec) {
    throw std::runtime_error("cannot open " + response.file_path + ": " + ec.message());
  }
  wire.prepare_payload();
  return wire;
}

Response neutron_error(int status, const std::string& type, const std::string& message) {
  return Response::json(
      status, Json{{"NeutronError", {{"type", type}, {"message", message}, {"detail", ""}}}});
}

}  // namespace

WireResponse error_response(const ErrorRenderer& render, int status, const std::string& type,
                            const std::string& message, const std::string& path, unsigned version) {
  Response response =
      render ? render(status, type, message, path) : neutron_error(status, type, message);
  WireResponse wire = to_wire(std::move(response), version == 10 ? 10 : 11, false);
  wire.keep_alive(false);
  return wire;
}

Outgoing answer(WireRequest&& wire, const RequestHandler& handler,
                const std::string& remote_address, bool secure, bool keep_alive) {
  keep_alive = keep_alive && wire.keep_alive();  // false for "Connection: close" and HTTP/1.0
  const unsigned version = wire.version();
  const bool head = wire.method() == bhttp::verb::head;
  const std::string method(wire.method_string());
  const std::string target(wire.target());
  try {
    Response response = handler(to_request(std::move(wire), remote_address, secure));
    const bool close = asks_to_close(response);
    Outgoing out = to_outgoing(std::move(response), version, head);
    std::visit([&](auto& message) { message.keep_alive(keep_alive && !close); }, out);
    return out;
  } catch (const std::exception& e) {
    log::error("http: ", method, " ", text_prefix(target, 200), " failed: ", e.what());
  } catch (...) {
    log::error("http: ", method, " ", text_prefix(target, 200),
               " failed with a non-standard exception");
  }
  // The message Neutron (webob) gives for an unhandled error; details stay in our log.
  WireResponse out = to_wire(neutron_error(500, "HTTPInternalServerError",
                                           "Request Failed: internal server error while "
                                           "processing your request."),
                             version, head);
  out.keep_alive(keep_alive);
  return out;
}

Request head_of(const WireRequest& header, const std::string& remote_address, bool secure) {
  return head_request(header, remote_address, secure);
}

Response internal_error(const std::string& what, const char* why) {
  log::error("http: ", text_prefix(what, 200), " failed: ", why);
  return neutron_error(500, "HTTPInternalServerError",
                       "Request Failed: internal server error while processing your request.");
}

WireResponse to_wire_response(Response&& response, unsigned version, bool keep_alive) {
  const bool close = asks_to_close(response);
  response.file_path.clear();
  WireResponse wire = to_wire(std::move(response), version, false);
  wire.keep_alive(keep_alive && !close);
  return wire;
}

uint64_t body_bytes(const Outgoing& response) {
  return std::visit([](const auto& message) { return message.payload_size().value_or(0); },
                    response);
}

HeaderProblem check_header_lines(const WireRequest& header, size_t max_line) {
  // "METHOD TARGET HTTP/1.1"
  if (header.method_string().size() + header.target().size() + 10 > max_line) {
    return HeaderProblem::kRequestLineTooLong;
  }
  for (const auto& field : header) {
    if (field.name_string().size() + field.value().size() + 2 > max_line) {
      return HeaderProblem::kHeaderLineTooLong;
    }
  }
  return HeaderProblem::kNone;
}

std::string path_of(const WireRequest& header) {
  const std::string target(header.target());
  return percent_decode(target.substr(0, target.find('?')));
}

}  // namespace neutrino::http::detail
