// libFuzzer target for the agent's OVSDB JSON-RPC reader: the input is what ovsdb-server sends
// on a real Unix socket to an OvsdbConnection with an OvsdbClient on top, which has one monitor
// and one transaction outstanding (JSON-RPC ids 1 and 2; "@monitor@" in the input stands for
// the monitor's id). The stream is cut into texts (JsonStreamSplitter), parsed, and dispatched:
// replies to the calls, "echo" requests, "update" notifications decoded into rows and columns
// as InterfaceMonitor decodes them.
//
// Properties: whatever the bytes, the connection ends (at the input's end, or earlier on a
// protocol error) within a deadline; the monitor's start and the transaction each get exactly
// one answer; nothing crashes or trips a sanitizer. A violation aborts.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <string>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "agent/ovs/ovsdb_client.hpp"
#include "agent/ovs/ovsdb_connection.hpp"
#include "agent/ovs/ovsdb_datum.hpp"
#include "common/log.hpp"

namespace {

using namespace neutrino;
using namespace neutrino::agent::ovs;
using namespace std::chrono_literals;

[[noreturn]] void fail(const std::string& why) {
  std::fprintf(stderr, "ovsdb_reader_fuzzer: %s\n", why.c_str());
  std::abort();
}

// An io thread for the connections and a listening socket playing ovsdb-server.
class Server {
 public:
  Server() : work_(boost::asio::make_work_guard(io_)) {
    path_ = "/tmp/ovsdb-reader-fuzzer-" + std::to_string(getpid()) + ".sock";
    unlink(path_.c_str());
    listener_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    path_.copy(address.sun_path, sizeof address.sun_path - 1);
    if (listener_ < 0 || bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) ||
        listen(listener_, 4)) {
      fail("cannot listen on " + path_);
    }
    thread_ = std::thread([this] { io_.run(); });
  }
  ~Server() {
    work_.reset();
    io_.stop();
    thread_.join();
    close(listener_);
    unlink(path_.c_str());
  }

  boost::asio::io_context& io() { return io_; }
  std::string target() const { return "unix:" + path_; }
  int accept_one() {
    const int fd = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      fail("accept failed");
    }
    return fd;
  }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::string path_;
  int listener_ = -1;
  std::thread thread_;
};

// What InterfaceMonitor reads from an Interface row; throws on a malformed column.
void decode_row(const Json& row) {
  if (!row.is_object()) {
    return;
  }
  for (const auto& [column, value] : row.items()) {
    if (column == "external_ids") {
      datum::as_string_map(value);
    } else if (column == "ofport") {
      datum::as_optional_integer(value);
    } else if (column == "mac_in_use" || column == "link_state") {
      datum::as_optional_string(value);
    } else if (column == "name" || column == "type") {
      value.get<std::string>();
    }
  }
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

void send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) {
      return;  // the client hung up first (a protocol error closes the connection)
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  log::set_level(log::Level::kError);
  return 0;
}

// The first byte sets the size of the writes the stream is sent in (1..256 bytes), so texts
// arrive split at every offset.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Server server;
  if (size == 0) {
    return 0;
  }
  const size_t chunk = size_t{data[0]} + 1;
  OvsdbConnection connection(server.io());
  auto lost = std::make_shared<std::promise<void>>();
  auto lost_future = lost->get_future();
  connection.set_disconnect_handler([lost](const std::string&) { lost->set_value(); });
  connection.connect(server.target(), 2s);
  const int peer = server.accept_one();

  std::atomic<int> started{0};
  std::atomic<int> transacted{0};
  {
    OvsdbClient client(connection);
    auto monitor = client.start_monitor(
        {{"Interface", {"name", "type", "external_ids", "ofport", "mac_in_use", "link_state"}}},
        [](const std::vector<RowUpdate>& updates, bool) {
          for (const auto& update : updates) {
            try {
              decode_row(update.new_row);
            } catch (const std::exception&) {
              // InterfaceMonitor's handler throws here; the connection logs and goes on.
            }
          }
        },
        [&started](std::exception_ptr) { ++started; });
    client.async_transact(
        Json::array({{{"op", "select"}, {"table", "Bridge"}, {"where", Json::array()}}}),
        [&transacted](std::exception_ptr, Json) { ++transacted; });

    const std::string stream = replace_all(
        std::string(reinterpret_cast<const char*>(data) + 1, size - 1), "@monitor@", monitor->id());
    for (size_t offset = 0; offset < stream.size(); offset += chunk) {
      send_all(peer, std::string_view(stream).substr(offset, chunk));
    }
    shutdown(peer, SHUT_WR);  // end of input: the server hangs up
    if (lost_future.wait_for(5s) != std::future_status::ready) {
      fail("the connection did not end within 5 s of the end of input");
    }
  }
  close(peer);
  // Calls still pending when the connection went failed then, before the disconnect handler.
  if (started != 1 || transacted != 1) {
    fail("monitor start answered " + std::to_string(started.load()) + " times, transaction " +
         std::to_string(transacted.load()) + " times");
  }
  return 0;
}
