#include "controller/identity/account_lockout.hpp"

#include "common/log.hpp"
#include "controller/identity/identity_errors.hpp"
#include "controller/identity/too_many_attempts.hpp"

namespace neutrino::identity {

AccountLockout::AccountLockout(store::Database& db, const TimeSource& time, int max_failures,
                               int64_t duration_seconds)
    : db_(db), time_(time), max_failures_(max_failures), duration_(duration_seconds) {}

void AccountLockout::reset(store::SqlSession& s, const std::string& user_id) {
  s.execute("UPDATE users SET failed_auth_count = 0, failed_auth_at = NULL WHERE id = ?",
            {user_id});
}

AccountLockout::Reservation AccountLockout::begin(const std::string& user_id, bool ignore_lockout) {
  std::lock_guard lock(mu_);
  const int64_t now = time_.now_unix_seconds();
  const auto rows = db_.read([&](store::SqlSession& s) {
    return s.query("SELECT failed_auth_count, failed_auth_at FROM users WHERE id = ?", {user_id});
  });
  int64_t failures = rows.empty() ? 0 : rows[0].integer(0);
  const bool enforced = max_failures_ > 0 && !ignore_lockout;
  if (enforced && failures >= max_failures_) {
    const int64_t last_failure = rows[0].is_null(1) ? 0 : rows[0].integer(1);
    if (last_failure + duration_ > now) {
      throw account_locked(user_id);
    }
    db_.write([&](store::SqlSession& s) { reset(s, user_id); });  // the lock ran out
    failures = 0;
  }
  int& flying = in_flight_[user_id];
  if (enforced && failures + flying >= max_failures_) {
    // Not locked (yet): the verifications running now might all fail and lock it.
    throw TooManyAttempts::in_progress("for user: " + user_id, 1);
  }
  ++flying;
  return {user_id, failures > 0, ignore_lockout};
}

void AccountLockout::finish(const Reservation& reservation, bool failed) {
  // The store is written before the reservation is released: see mu_.
  try {
    record(reservation, failed);
  } catch (...) {
    release(reservation.user_id);
    throw;
  }
  release(reservation.user_id);
}

void AccountLockout::record(const Reservation& reservation, bool failed) {
  const std::string& user_id = reservation.user_id;
  if (!failed) {
    if (reservation.had_failures) {
      db_.write([&](store::SqlSession& s) { reset(s, user_id); });
    }
    return;
  }
  const int64_t now = time_.now_unix_seconds();
  const int64_t failures = db_.write([&](store::SqlSession& s) {
    s.execute(
        "UPDATE users SET failed_auth_count = failed_auth_count + 1, failed_auth_at = ? "
        "WHERE id = ?",
        {now, user_id});
    const auto rows = s.query("SELECT failed_auth_count FROM users WHERE id = ?", {user_id});
    return rows.empty() ? int64_t{0} : rows[0].integer(0);
  });
  if (max_failures_ > 0 && !reservation.ignore_lockout && failures == max_failures_) {
    log::warning("identity: user ", user_id, " locked for ", duration_, "s after ", failures,
                 " failed password logins in a row");
  }
}

void AccountLockout::release(const std::string& user_id) {
  std::lock_guard lock(mu_);
  if (--in_flight_[user_id] <= 0) {
    in_flight_.erase(user_id);
  }
}

}  // namespace neutrino::identity
