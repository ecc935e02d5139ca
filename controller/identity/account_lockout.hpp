#pragma once
// Keystone's account lockout ([security_compliance] lockout_failure_attempts and
// lockout_duration): failed password logins are counted in the users table, as Keystone counts
// them in local_user.failed_auth_count, so a restart does not hand an attacker a fresh set of
// guesses. At the limit the user is refused with 401 "The account is locked for user: <id>."
// until lockout_duration seconds after the last failure, before its password is hashed. A
// success clears the count. Verifications in flight count against the attempts left, so
// parallel guesses cannot overshoot the limit (the excess is told to retry: 429).
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "common/time_source.hpp"
#include "controller/store/database.hpp"

namespace neutrino::identity {

class AccountLockout {
 public:
  // max_failures 0: failures are still counted, as Keystone counts them, but never lock.
  AccountLockout(store::Database& db, const TimeSource& time, int max_failures,
                 int64_t duration_seconds);

  // One password verification the lockout admitted.
  struct Reservation {
    std::string user_id;
    bool had_failures = false;  // the count was not zero: a success must clear it
    bool ignore_lockout = false;
  };

  // Reserves one password verification for the user. Throws the 401 above while the user is
  // locked, and a 429 TooManyAttempts when verifications in flight already use up its
  // remaining attempts. When it returns, finish() must follow exactly once. A user with
  // `ignore_lockout` (Keystone's ignore_lockout_failure_attempts) is never refused; its
  // failures are still counted, as Keystone counts them.
  Reservation begin(const std::string& user_id, bool ignore_lockout = false);
  void finish(const Reservation& reservation, bool failed);

  // Clears a user's count: Keystone does so whenever a user is set enabled, which is how an
  // admin unlocks one.
  static void reset(store::SqlSession& s, const std::string& user_id);

 private:
  void record(const Reservation& reservation, bool failed);
  void release(const std::string& user_id);

  store::Database& db_;
  const TimeSource& time_;
  const int max_failures_;
  const int64_t duration_;
  // Held across the count's read in begin() and around the in-flight bookkeeping, so a guess
  // always sees either another's recorded failure or its reservation.
  std::mutex mu_;
  std::unordered_map<std::string, int> in_flight_;  // guarded by mu_
};

}  // namespace neutrino::identity
