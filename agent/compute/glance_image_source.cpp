#include "agent/compute/glance_image_source.hpp"

#include <utility>  // before Asio: Boost 1.74 uses std::exchange without it

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <limits>
#include <stdexcept>

#include "common/channel/hmac_signer.hpp"

namespace neutrino::agent {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

// Runs one asynchronous operation to completion: Beast's timeouts exist only for async
// operations on a tcp_stream.
template <class Start>
error_code run(net::io_context& io, Start&& start) {
  error_code result = net::error::would_block;
  start([&result](error_code ec, auto&&...) { result = ec; });
  io.restart();
  io.run();
  return result;
}

}  // namespace

ImageServiceEndpoint ImageServiceEndpoint::parse(const std::string& url) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) {
    throw std::invalid_argument("the image service must be an http:// URL, not '" + url + "'");
  }
  const std::string rest = url.substr(scheme.size());
  const size_t slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  ImageServiceEndpoint out;
  out.path_prefix = slash == std::string::npos ? "" : rest.substr(slash);
  while (!out.path_prefix.empty() && out.path_prefix.back() == '/') {
    out.path_prefix.pop_back();
  }
  const size_t colon = authority.rfind(':');
  out.host = authority.substr(0, colon);
  if (colon != std::string::npos) {
    try {
      const int port = std::stoi(authority.substr(colon + 1));
      if (port < 1 || port > 65535) {
        throw std::out_of_range("port");
      }
      out.port = static_cast<uint16_t>(port);
    } catch (const std::exception&) {
      throw std::invalid_argument("bad port in image service URL '" + url + "'");
    }
  }
  if (out.host.empty()) {
    throw std::invalid_argument("no host in image service URL '" + url + "'");
  }
  return out;
}

GlanceImageSource::GlanceImageSource(ImageServiceEndpoint endpoint, std::string host,
                                     std::string secret)
    : endpoint_(std::move(endpoint)), host_(std::move(host)), secret_(std::move(secret)) {}

void GlanceImageSource::fetch(const compute::ImageMeta& image, const Sink& sink) {
  const std::string target = endpoint_.path_prefix + "/v2/images/" + image.id + "/file";
  const std::string where =
      "http://" + endpoint_.host + ":" + std::to_string(endpoint_.port) + target;
  auto failed = [&](const std::string& what) {
    return compute::ImageError("downloading image " + image.id + " from " + where + ": " + what);
  };
  net::io_context io;
  beast::tcp_stream stream(io);
  tcp::resolver resolver(io);
  error_code ec;
  const auto endpoints = resolver.resolve(endpoint_.host, std::to_string(endpoint_.port), ec);
  if (ec) {
    throw failed(ec.message());
  }
  stream.expires_after(timeout_);
  ec = run(io, [&](auto handler) { stream.async_connect(endpoints, handler); });
  if (ec) {
    throw failed("connect: " + ec.message());
  }
  bhttp::request<bhttp::empty_body> request{bhttp::verb::get, target, 11};
  request.set(bhttp::field::host, endpoint_.host + ":" + std::to_string(endpoint_.port));
  request.set(bhttp::field::user_agent, "neutrino-agent");
  request.set("X-Neutrino-Agent-Host", host_);
  request.set("X-Neutrino-Agent-Signature",
              channel::HmacSigner(secret_).sign(host_ + "\n" + image.id));
  stream.expires_after(timeout_);
  ec = run(io, [&](auto handler) { bhttp::async_write(stream, request, handler); });
  if (ec) {
    throw failed("request: " + ec.message());
  }
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::buffer_body> parser;
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());  // images are large
  stream.expires_after(timeout_);
  ec = run(io, [&](auto handler) { bhttp::async_read_header(stream, buffer, parser, handler); });
  if (ec) {
    throw failed("response: " + ec.message());
  }
  const unsigned status = parser.get().result_int();
  if (status != 200) {
    throw failed("the image service answered " + std::to_string(status));
  }
  std::array<char, 64 * 1024> chunk{};
  while (!parser.is_done()) {
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    stream.expires_after(timeout_);
    ec = run(io, [&](auto handler) { bhttp::async_read(stream, buffer, parser, handler); });
    if (ec == bhttp::error::need_buffer) {
      ec = {};
    }
    if (ec) {
      throw failed("body: " + ec.message());
    }
    sink(std::string_view(chunk.data(), chunk.size() - parser.get().body().size));
  }
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
}

}  // namespace neutrino::agent
