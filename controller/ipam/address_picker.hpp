#pragma once
// Chooses a free address of a subnet. Neutron hands out a random free address, not the lowest,
// so that a just-released address is unlikely to be reused at once. The work is proportional
// to the number of pools and allocations, never to the size of the address space: a /8 or an
// IPv6 /64 is as quick as a /24.
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "controller/ipam/ip_address.hpp"
#include "controller/ipam/ip_range.hpp"

namespace neutrino::ipam {

// Uniform integer in [low, high], both inclusive. Injectable so tests can be deterministic.
using RandomSource = std::function<uint64_t(uint64_t low, uint64_t high)>;
// neutrino::random::uniform (OpenSSL).
RandomSource default_random_source();

namespace detail {
// Sorted, disjoint pools with how many addresses of each are free.
struct PoolCounts {
  std::vector<IpRange> pools;
  std::vector<uint128> free;
  uint128 total = 0;
};
}  // namespace detail

// The free addresses of a set of pools, built once and then queried and updated cheaply:
// for handing out many addresses in one go (bulk port creation).
class FreeAddresses {
 public:
  // Invalid pools are ignored and overlapping ones merged. Allocated addresses outside every
  // pool (e.g. left behind by a pool update) and duplicates do not count.
  FreeAddresses(const std::vector<IpRange>& pools, const std::vector<IpAddress>& allocated);

  uint128 count() const { return counts_.total; }
  // The k-th free address in ascending order (k from 0); nullopt if k >= count().
  // O(pools + log allocated).
  std::optional<IpAddress> nth(uint128 k) const;
  // A uniformly random free address; nullopt when the pools are exhausted.
  std::optional<IpAddress> pick(const RandomSource& random = default_random_source()) const;
  // Records an allocation; false if the address was not free (allocated or outside the pools).
  bool mark_allocated(const IpAddress& address);

 private:
  detail::PoolCounts counts_;
  std::vector<IpAddress> taken_;  // sorted, unique
};

// One-shot forms, for a single port. O(allocated + pools * log allocated) without copying when
// `allocated` is sorted ascending without duplicates (ORDER BY the numeric address, or a
// std::sort by the caller); otherwise a sorted copy is made first.
std::optional<IpAddress> pick_free_address(const std::vector<IpRange>& pools,
                                           const std::vector<IpAddress>& allocated,
                                           const RandomSource& random = default_random_source());
uint128 count_free_addresses(const std::vector<IpRange>& pools,
                             const std::vector<IpAddress>& allocated);

}  // namespace neutrino::ipam
