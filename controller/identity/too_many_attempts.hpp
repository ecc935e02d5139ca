#pragma once
// 429 for password logins refused by a rate limit rather than by their credentials, in
// Keystone's error body, with the seconds to wait for the Retry-After header.
#include <cstdint>
#include <string>

#include "controller/api/api_error.hpp"

namespace neutrino::identity {

class TooManyAttempts : public api::ApiError {
 public:
  // An address refused for its failed logins: "from 192.0.2.7".
  static TooManyAttempts failed(const std::string& from, int64_t retry_after_seconds) {
    return TooManyAttempts("Too many failed authentication attempts " + from, retry_after_seconds);
  }
  // Refused because verifications already running use up what is left: "for user: <id>".
  static TooManyAttempts in_progress(const std::string& of, int64_t retry_after_seconds) {
    return TooManyAttempts("Too many authentication attempts in progress " + of,
                           retry_after_seconds);
  }

  int64_t retry_after() const { return retry_after_; }

 private:
  TooManyAttempts(const std::string& what, int64_t retry_after_seconds)
      : api::ApiError(429, "TooManyRequests",
                      what + ". Retry after " + std::to_string(retry_after_seconds) + " seconds."),
        retry_after_(retry_after_seconds) {}

  int64_t retry_after_;
};

}  // namespace neutrino::identity
