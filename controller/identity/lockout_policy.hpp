#pragma once
// The failed-login limits, under Keystone's option names where Keystone has one
// ([security_compliance] lockout_failure_attempts, lockout_duration). Keystone ships them off;
// Neutrino ships them on, because its API faces tenants who may be hostile.
#include <cstddef>
#include <cstdint>

namespace neutrino::identity {

struct LockoutPolicy {
  // A user is locked after this many failed password logins in a row (0: never). Keystone's
  // own documentation suggests 6; PCI-DSS asks for at most 10.
  int failure_attempts = 6;
  // Seconds a locked user stays locked after the last failure (Keystone's default, and
  // PCI-DSS's minimum: 30 minutes). Any successful login or an admin enabling the user resets
  // the count; a locked user's existing tokens keep working.
  int64_t duration = 1800;
  // One client address (an IPv6 /64) is refused for source_duration seconds once this many
  // password logins from it failed within source_duration seconds (0: no limit). This stops
  // spraying passwords across many users, which the per-user count alone does not see.
  int source_failure_attempts = 20;
  int64_t source_duration = 300;
  // Addresses tracked at once; beyond it the stalest idle entries are forgotten first.
  size_t max_tracked_sources = 65536;
};

}  // namespace neutrino::identity
