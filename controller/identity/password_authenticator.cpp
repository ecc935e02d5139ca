#include "controller/identity/password_authenticator.hpp"

#include "controller/api/api_error.hpp"
#include "controller/identity/too_many_attempts.hpp"

namespace neutrino::identity {
namespace {

constexpr const char* kSelect =
    "SELECT id, enabled, password_hash, ignore_lockout_failure_attempts FROM users";

}  // namespace

PasswordAuthenticator::PasswordAuthenticator(store::Database& db, const PasswordVerifier& verifier,
                                             const TimeSource& time, const LockoutPolicy& policy)
    : db_(db),
      verifier_(verifier),
      sources_(time, policy.source_failure_attempts, policy.source_duration,
               policy.max_tracked_sources),
      accounts_(db, time, policy.failure_attempts, policy.duration) {}

std::optional<PasswordAuthenticator::Candidate> PasswordAuthenticator::find(const UserRef& who) {
  return db_.read([&](store::SqlSession& s) -> std::optional<Candidate> {
    const auto rows = who.id ? s.query(std::string(kSelect) + " WHERE id = ?", {*who.id})
                             : s.query(std::string(kSelect) + " WHERE domain_id = ? AND name = ?",
                                       {who.domain_id, who.name});
    if (rows.empty()) {
      return std::nullopt;
    }
    return Candidate{rows[0].text(0), rows[0].boolean(1), rows[0].optional_text(2),
                     rows[0].boolean(3)};
  });
}

std::string PasswordAuthenticator::authenticate(const UserRef& who, const std::string& password,
                                                const std::string& source) {
  if (const auto verdict = sources_.try_begin(source); verdict.retry_after > 0) {
    const std::string from = "from " + SourceThrottle::key_of(source);
    throw verdict.blocked ? TooManyAttempts::failed(from, verdict.retry_after)
                          : TooManyAttempts::in_progress(from, verdict.retry_after);
  }
  Outcome outcome = Outcome::kWrongPassword;
  std::optional<Candidate> user;
  try {
    user = find(who);
    if (user) {
      outcome = check_user(*user, password);
    } else {
      verifier_.verify_dummy(password);
    }
  } catch (...) {
    // Refused by the user's lockout (no hash spent) or a store failure: not held against the
    // address.
    sources_.finish(source, false);
    throw;
  }
  sources_.finish(source, outcome == Outcome::kWrongPassword);
  if (outcome != Outcome::kAccepted) {
    throw api::unauthorized();
  }
  return user->id;
}

PasswordAuthenticator::Outcome PasswordAuthenticator::check_user(const Candidate& user,
                                                                 const std::string& password) {
  const auto reservation = accounts_.begin(user.id, user.ignore_lockout);
  bool matches = false;
  try {
    if (user.password_hash) {
      matches = verifier_.verify(password, *user.password_hash);
    } else {
      verifier_.verify_dummy(password);
    }
  } catch (...) {
    accounts_.finish(reservation, true);
    throw;
  }
  accounts_.finish(reservation, !matches);
  // Keystone checks the password before `enabled`, so a disabled user's failures count too.
  if (!matches) {
    return Outcome::kWrongPassword;
  }
  return user.enabled ? Outcome::kAccepted : Outcome::kDisabled;
}

}  // namespace neutrino::identity
