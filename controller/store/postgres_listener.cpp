#include "controller/store/postgres_listener.hpp"

#include <libpq-fe.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <chrono>

#include "common/log.hpp"
#include "controller/store/postgres_connection.hpp"

namespace neutrino::store {

PostgresListener::PostgresListener(std::string url, int connect_timeout_seconds)
    : url_(std::move(url)), connect_timeout_seconds_(connect_timeout_seconds) {
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) {
    throw StoreError("eventfd failed");
  }
  thread_ = std::thread([this] { run(); });
}

PostgresListener::~PostgresListener() {
  stop_ = true;
  const uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
  thread_.join();
  ::close(wake_fd_);
}

void PostgresListener::listen(const std::string& channel, Callback callback) {
  std::unique_lock lock(mutex_);
  callbacks_[channel].push_back(std::move(callback));
  const uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
  if (!listening_changed_.wait_for(lock, std::chrono::seconds(10),
                                   [&] { return listening_.contains(channel); })) {
    throw StoreUnavailable("cannot LISTEN on " + channel + " within 10 s", false);
  }
}

bool PostgresListener::connect() {
  try {
    connection_ = std::make_unique<PostgresConnection>(url_, connect_timeout_seconds_);
    return true;
  } catch (const std::exception& e) {
    log::warning("store: listener cannot connect: ", e.what());
    connection_.reset();
    return false;
  }
}

void PostgresListener::listen_pending() {
  std::vector<std::string> pending;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [channel, callbacks] : callbacks_) {
      if (!listening_.contains(channel)) {
        pending.push_back(channel);
      }
    }
  }
  for (const auto& channel : pending) {
    char* quoted = PQescapeIdentifier(connection_->raw(), channel.c_str(), channel.size());
    const std::string sql = std::string("LISTEN ") + (quoted ? quoted : "\"\"");
    PQfreemem(quoted);
    connection_->exec_script(sql);
    std::lock_guard lock(mutex_);
    listening_.insert(channel);
  }
  if (!pending.empty()) {
    listening_changed_.notify_all();
  }
}

void PostgresListener::notify_all_missed() {
  std::map<std::string, std::vector<Callback>> callbacks;
  {
    std::lock_guard lock(mutex_);
    callbacks = callbacks_;
  }
  for (const auto& [channel, list] : callbacks) {
    for (const auto& callback : list) {
      callback(Notification{channel, "", true});
    }
  }
}

void PostgresListener::wait_and_dispatch() {
  pollfd fds[2] = {{PQsocket(connection_->raw()), POLLIN, 0}, {wake_fd_, POLLIN, 0}};
  if (::poll(fds, 2, 1000) < 0) {
    return;
  }
  if ((fds[1].revents & POLLIN) != 0) {
    uint64_t count = 0;
    [[maybe_unused]] auto n = ::read(wake_fd_, &count, sizeof count);
  }
  if (PQconsumeInput(connection_->raw()) == 0) {
    return;  // the connection broke; run() notices through healthy()
  }
  while (PGnotify* n = PQnotifies(connection_->raw())) {
    Notification notification{n->relname, n->extra ? n->extra : "", false};
    PQfreemem(n);
    std::vector<Callback> list;
    {
      std::lock_guard lock(mutex_);
      auto it = callbacks_.find(notification.channel);
      if (it != callbacks_.end()) {
        list = it->second;
      }
    }
    for (const auto& callback : list) {
      callback(notification);
    }
  }
}

void PostgresListener::run() {
  bool connected_before = false;
  auto backoff = std::chrono::milliseconds(100);
  while (!stop_) {
    if (!connection_ || !connection_->healthy()) {
      {
        std::lock_guard lock(mutex_);
        listening_.clear();
      }
      if (!connect()) {
        pollfd wake{wake_fd_, POLLIN, 0};
        ::poll(&wake, 1, static_cast<int>(backoff.count()));
        backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
        continue;
      }
      backoff = std::chrono::milliseconds(100);
      try {
        listen_pending();
      } catch (const std::exception& e) {
        log::warning("store: listener: ", e.what());
        connection_.reset();
        continue;
      }
      if (connected_before) {
        notify_all_missed();
      }
      connected_before = true;
    }
    try {
      listen_pending();
      wait_and_dispatch();
    } catch (const std::exception& e) {
      log::warning("store: listener: ", e.what());
      connection_.reset();
    }
  }
}

}  // namespace neutrino::store
