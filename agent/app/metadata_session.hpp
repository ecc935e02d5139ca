#pragma once
// One guest connection to 169.254.169.254:80: reads a request (within the request deadline
// and the header and body limits), has MetadataFrontend answer it, writes the answer (within
// the write deadline) and, on keep-alive, waits for the next. Pure I/O on the event loop: a
// connection that sends nothing or reads nothing costs one socket until its deadline.
#include <utility>  // before Asio: Boost 1.74 uses std::exchange without it

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <optional>

#include "agent/app/metadata_frontend.hpp"

namespace neutrino::agent {

class MetadataSession : public std::enable_shared_from_this<MetadataSession> {
 public:
  MetadataSession(boost::asio::ip::tcp::socket socket, MetadataPeer peer,
                  std::shared_ptr<MetadataFrontend> frontend);
  ~MetadataSession();

  void start();
  // Ends the connection now (pending reads and writes complete with operation_aborted).
  void close();
  const MetadataPeer& peer() const { return peer_; }

 private:
  void read_next();
  void on_read(boost::system::error_code ec);
  void reply_and_close(unsigned status, const std::string& message);
  void write(MetadataFrontend::Response response, bool keep_alive);

  boost::beast::tcp_stream stream_;
  MetadataPeer peer_;
  std::shared_ptr<MetadataFrontend> frontend_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  MetadataFrontend::Response response_;  // must outlive async_write
};

}  // namespace neutrino::agent
