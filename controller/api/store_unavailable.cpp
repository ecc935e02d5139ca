#include "controller/api/store_unavailable.hpp"

#include <atomic>
#include <chrono>
#include <string>

#include "common/log.hpp"

namespace neutrino::api {
namespace {

// Every refused write would otherwise log a line: a client retrying in a loop must not fill
// the (possibly same) full disk with the news that it is full.
void log_rate_limited(const store::StoreUnavailable& error) {
  static std::atomic<int64_t> last_logged_ms{0};
  static std::atomic<int64_t> suppressed{0};
  constexpr int64_t kIntervalMs = 10'000;
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
  int64_t last = last_logged_ms.load();
  if (last != 0 && now - last < kIntervalMs) {
    ++suppressed;
    return;
  }
  if (!last_logged_ms.compare_exchange_strong(last, now)) {
    ++suppressed;
    return;
  }
  const int64_t skipped = suppressed.exchange(0);
  log::error("store: refusing writes: ", error.what(),
             skipped > 0 ? " (" + std::to_string(skipped) + " more since the last report)" : "");
}

}  // namespace

ApiError store_unavailable(const store::StoreUnavailable& error) {
  log_rate_limited(error);
  return ApiError(503, "ServiceUnavailable",
                  error.disk_full()
                      ? "The service is unavailable: the store is out of disk space. Reads "
                        "still work; retry the write once space has been freed."
                      : "The service is unavailable: the store cannot write to its disk (I/O "
                        "error). Reads still work; retry the write later.");
}

http::Response& with_retry_after(http::Response& response) {
  response.with_header("Retry-After", std::to_string(kStoreRetryAfterSeconds));
  return response;
}

}  // namespace neutrino::api
