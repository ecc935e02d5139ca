#pragma once
// LISTEN on a dedicated connection and a thread of its own, calling back on NOTIFY. After the
// connection is lost and re-established, every callback is called once with `missed` set:
// notifications may have been lost meanwhile, so a listener re-reads what it watches (the
// journal a "journal wakeup" points at) instead of trusting it saw every one.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace neutrino::store {

class PostgresConnection;

struct Notification {
  std::string channel;
  std::string payload;
  bool missed = false;  // the connection was re-established: some may have been lost
};

class PostgresListener {
 public:
  using Callback = std::function<void(const Notification&)>;

  PostgresListener(std::string url, int connect_timeout_seconds);
  ~PostgresListener();
  PostgresListener(const PostgresListener&) = delete;
  PostgresListener& operator=(const PostgresListener&) = delete;

  // Returns once the server listens on `channel`: a NOTIFY committed after that reaches
  // `callback`, on the listener's thread. Throws StoreUnavailable if that takes over 10 s.
  void listen(const std::string& channel, Callback callback);

 private:
  void run();
  bool connect();
  void listen_pending();
  void wait_and_dispatch();
  void notify_all_missed();

  const std::string url_;
  const int connect_timeout_seconds_;
  std::unique_ptr<PostgresConnection> connection_;  // the thread's own
  int wake_fd_ = -1;                                // eventfd: new channels or stop
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::condition_variable listening_changed_;
  std::map<std::string, std::vector<Callback>> callbacks_;
  std::set<std::string> listening_;  // channels the current connection LISTENs on
  std::thread thread_;
};

}  // namespace neutrino::store
