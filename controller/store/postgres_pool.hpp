#pragma once
// A bounded pool of PostgreSQL connections. A caller waits for a free one up to a deadline
// and then gets StoreUnavailable (the APIs answer 503), so a slow database queues requests a
// bounded time instead of opening connections without end.
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "controller/store/postgres_connection.hpp"

namespace neutrino::store {

class PostgresPool {
 public:
  PostgresPool(std::string url, size_t limit, std::chrono::milliseconds acquire_timeout,
               int connect_timeout_seconds, std::string session_setup);

  // A connection, opened on demand up to the limit; blocks until one is free or the timeout.
  std::unique_ptr<PostgresConnection> acquire();
  // Gives a connection back; an unhealthy one is closed and its slot freed.
  void release(std::unique_ptr<PostgresConnection> connection);
  std::unique_ptr<PostgresConnection> open();
  size_t open_connections() const;

 private:
  const std::string url_;
  const size_t limit_;
  const std::chrono::milliseconds acquire_timeout_;
  const int connect_timeout_seconds_;
  const std::string session_setup_;
  mutable std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<PostgresConnection>> idle_;
  size_t open_ = 0;  // idle and in use
};

}  // namespace neutrino::store
