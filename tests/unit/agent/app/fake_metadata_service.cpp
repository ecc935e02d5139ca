#include "tests/unit/agent/app/fake_metadata_service.hpp"

#include <sys/socket.h>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace neutrino::agent::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

FakeMetadataService::FakeMetadataService()
    : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
  port_ = acceptor_.local_endpoint().port();
  acceptor_thread_ = std::thread([this] { accept_loop(); });
}

FakeMetadataService::~FakeMetadataService() {
  stopping_ = true;
  {
    // Unblocks accept(): a connection to ourselves, which accept_loop() sees after stopping_.
    boost::system::error_code ignored;
    tcp::socket wake(io_);
    wake.connect({asio::ip::make_address("127.0.0.1"), port_}, ignored);
  }
  acceptor_thread_.join();
  {
    // Wakes each serve() from its read. The Asio sockets belong to their serve() threads until
    // those are joined, so this shuts the kernel sockets down through their descriptors
    // (which nothing changes before the join) instead of calling into the Asio objects.
    std::lock_guard lock(mutex_);
    for (auto& socket : sockets_) {
      ::shutdown(socket.native_handle(), SHUT_RDWR);
    }
  }
  for (auto& thread : threads_) {
    thread.join();
  }
  // The sockets close as sockets_ is destroyed, after their threads are gone.
}

std::vector<std::string> FakeMetadataService::bodies() const {
  std::lock_guard lock(mutex_);
  return bodies_;
}

void FakeMetadataService::accept_loop() {
  for (;;) {
    tcp::socket socket(io_);
    boost::system::error_code ec;
    acceptor_.accept(socket, ec);
    if (stopping_ || ec) {
      return;
    }
    ++connections_;
    std::lock_guard lock(mutex_);
    auto& kept = sockets_.emplace_back(std::move(socket));
    threads_.emplace_back([this, &kept] { serve(kept); });
  }
}

void FakeMetadataService::serve(tcp::socket& socket) {
  beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> request;
    boost::system::error_code ec;
    http::read(socket, buffer, request, ec);
    if (ec || stopping_) {
      return;
    }
    ++requests_;
    if (drop_next_.exchange(false)) {
      // Shut down, not closed: the destructor still shuts this descriptor down, and closing it
      // here would let the kernel hand its number to another socket meanwhile.
      socket.shutdown(tcp::socket::shutdown_both, ec);
      return;
    }
    if (stall_) {
      continue;  // read on; the proxy's deadline must end this
    }
    std::this_thread::sleep_for(delay_.load());
    const auto header = [&](const char* name) { return std::string(request[name]); };
    std::string body = std::string(request.method_string()) + " " + std::string(request.target()) +
                       " id=" + header("X-Instance-ID") + " tenant=" + header("X-Tenant-ID") +
                       " for=" + header("X-Forwarded-For") +
                       " sig=" + header("X-Instance-ID-Signature");
    {
      std::lock_guard lock(mutex_);
      bodies_.push_back(body);
    }
    http::response<http::string_body> response(http::status::ok, request.version());
    response.set(http::field::content_type, "text/plain");
    response.body() = std::move(body);
    response.prepare_payload();
    if (request.method() == http::verb::head) {
      response.body().clear();  // the length stays the GET body's
    }
    response.keep_alive(request.keep_alive());
    http::write(socket, response, ec);
    if (ec || !request.keep_alive()) {
      return;
    }
  }
}

}  // namespace neutrino::agent::testing
