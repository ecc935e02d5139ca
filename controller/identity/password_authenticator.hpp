#pragma once
// Password logins behind the failed-login limits. The order is what makes guessing cost the
// guesser: the client address is checked first, then the user's lockout, and only then is the
// password hashed. Every verification holds a reservation on both limits while it runs.
#include <optional>
#include <string>

#include "common/time_source.hpp"
#include "controller/identity/account_lockout.hpp"
#include "controller/identity/identity_records.hpp"
#include "controller/identity/lockout_policy.hpp"
#include "controller/identity/password_verifier.hpp"
#include "controller/identity/source_throttle.hpp"
#include "controller/store/database.hpp"

namespace neutrino::identity {

// A user named by id, or by name within a domain.
struct UserRef {
  std::optional<std::string> id;
  std::string name;
  std::string domain_id = kDefaultDomainId;
};

class PasswordAuthenticator {
 public:
  PasswordAuthenticator(store::Database& db, const PasswordVerifier& verifier,
                        const TimeSource& time, const LockoutPolicy& policy);

  // The user's id when `password` is theirs and they are enabled. Otherwise throws, before
  // hashing anything: TooManyAttempts (429) when `source` is refused, 401 AccountLocked when
  // the user is locked; after hashing: 401 for an unknown user, a wrong password or a disabled
  // user, as Keystone does.
  std::string authenticate(const UserRef& who, const std::string& password,
                           const std::string& source);

 private:
  struct Candidate {
    std::string id;
    bool enabled = false;
    std::optional<std::string> password_hash;
    bool ignore_lockout = false;  // Keystone's ignore_lockout_failure_attempts
  };
  enum class Outcome { kAccepted, kWrongPassword, kDisabled };

  std::optional<Candidate> find(const UserRef& who);
  // Throws 401 AccountLocked before hashing when the user's lockout refuses.
  Outcome check_user(const Candidate& user, const std::string& password);

  store::Database& db_;
  const PasswordVerifier& verifier_;
  SourceThrottle sources_;
  AccountLockout accounts_;
};

}  // namespace neutrino::identity
