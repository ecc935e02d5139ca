#include "controller/store/postgres_pool.hpp"

namespace neutrino::store {

PostgresPool::PostgresPool(std::string url, size_t limit, std::chrono::milliseconds acquire_timeout,
                           int connect_timeout_seconds, std::string session_setup)
    : url_(std::move(url)),
      limit_(limit == 0 ? 1 : limit),
      acquire_timeout_(acquire_timeout),
      connect_timeout_seconds_(connect_timeout_seconds),
      session_setup_(std::move(session_setup)) {}

std::unique_ptr<PostgresConnection> PostgresPool::open() {
  auto connection = std::make_unique<PostgresConnection>(url_, connect_timeout_seconds_);
  if (!session_setup_.empty()) {
    connection->exec_script(session_setup_);
  }
  return connection;
}

std::unique_ptr<PostgresConnection> PostgresPool::acquire() {
  {
    std::unique_lock lock(mutex_);
    const auto deadline = std::chrono::steady_clock::now() + acquire_timeout_;
    while (idle_.empty() && open_ >= limit_) {
      if (freed_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
          open_ >= limit_) {
        throw StoreUnavailable("no PostgreSQL connection free within " +
                                   std::to_string(acquire_timeout_.count()) + " ms (pool of " +
                                   std::to_string(limit_) + ")",
                               false);
      }
    }
    if (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      return connection;
    }
    ++open_;  // reserve the slot, connect without the lock
  }
  try {
    return open();
  } catch (...) {
    std::lock_guard lock(mutex_);
    --open_;
    freed_.notify_one();
    throw;
  }
}

void PostgresPool::release(std::unique_ptr<PostgresConnection> connection) {
  std::lock_guard lock(mutex_);
  if (connection && connection->healthy()) {
    idle_.push_back(std::move(connection));
  } else {
    --open_;
  }
  freed_.notify_one();
}

size_t PostgresPool::open_connections() const {
  std::lock_guard lock(mutex_);
  return open_;
}

}  // namespace neutrino::store
