#include "controller/ipam/address_picker.hpp"

#include <algorithm>
#include <span>

#include "common/random.hpp"

namespace neutrino::ipam {
namespace {

constexpr uint64_t kMax64 = ~uint64_t{0};
using detail::PoolCounts;
// Allocated addresses, sorted ascending without duplicates.
using Taken = std::span<const IpAddress>;

// Uniform in [0, n) for n > 0, from 64-bit draws: one draw when n fits, otherwise the high and
// low halves separately with rejection of the overshoot (accepted with probability > 1/2).
uint128 draw_below(const RandomSource& random, uint128 n) {
  if (n - 1 <= kMax64) {
    return random(0, static_cast<uint64_t>(n - 1));
  }
  const auto top = static_cast<uint64_t>((n - 1) >> 64);
  for (;;) {
    const uint128 high = random(0, top);
    const uint128 value = (high << 64) | random(0, kMax64);
    if (value < n) {
      return value;
    }
  }
}

// Sorted by first address with overlapping or adjacent ranges of one version merged.
std::vector<IpRange> normalise(const std::vector<IpRange>& pools) {
  std::vector<IpRange> sorted;
  for (const auto& pool : pools) {
    if (pool.valid()) {
      sorted.push_back(pool);
    }
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const IpRange& a, const IpRange& b) { return a.first < b.first; });
  std::vector<IpRange> merged;
  for (const auto& pool : sorted) {
    auto* back = merged.empty() ? nullptr : &merged.back();
    if (back && back->last.version() == pool.first.version() &&
        (back->last >= pool.first || pool.first.value() - back->last.value() == 1)) {
      back->last = std::max(back->last, pool.last);
    } else {
      merged.push_back(pool);
    }
  }
  return merged;
}

bool strictly_increasing(const std::vector<IpAddress>& addresses) {
  return std::adjacent_find(addresses.begin(), addresses.end(), std::greater_equal<>()) ==
         addresses.end();
}

std::vector<IpAddress> sorted_unique(std::vector<IpAddress> addresses) {
  std::sort(addresses.begin(), addresses.end());
  addresses.erase(std::unique(addresses.begin(), addresses.end()), addresses.end());
  return addresses;
}

// The taken addresses inside `pool`.
Taken taken_in(const IpRange& pool, Taken taken) {
  const auto lo = std::lower_bound(taken.begin(), taken.end(), pool.first);
  const auto hi = std::upper_bound(lo, taken.end(), pool.last);
  return {lo, hi};
}

PoolCounts count_pools(const std::vector<IpRange>& pools, Taken taken) {
  PoolCounts counts;
  counts.pools = normalise(pools);
  for (const auto& pool : counts.pools) {
    counts.free.push_back(pool.size() - taken_in(pool, taken).size());
    counts.total += counts.free.back();
  }
  return counts;
}

std::optional<IpAddress> nth_free(const PoolCounts& counts, Taken taken, uint128 k) {
  for (size_t p = 0; p < counts.pools.size(); ++p) {
    if (k >= counts.free[p]) {
      k -= counts.free[p];
      continue;
    }
    // inside[i] - first - i is how many free addresses lie below inside[i]; it never
    // decreases, so the taken addresses below the answer are those where it is <= k.
    const IpRange& pool = counts.pools[p];
    const Taken inside = taken_in(pool, taken);
    const uint128 first = pool.first.value();
    const auto below = std::partition_point(inside.begin(), inside.end(), [&](const IpAddress& a) {
      return a.value() - first - static_cast<uint128>(&a - inside.data()) <= k;
    });
    return pool.first + (k + static_cast<uint128>(below - inside.begin()));
  }
  return std::nullopt;
}

}  // namespace

RandomSource default_random_source() {
  return [](uint64_t low, uint64_t high) { return random::uniform(low, high); };
}

FreeAddresses::FreeAddresses(const std::vector<IpRange>& pools,
                             const std::vector<IpAddress>& allocated)
    : taken_(strictly_increasing(allocated) ? allocated : sorted_unique(allocated)) {
  counts_ = count_pools(pools, taken_);
}

std::optional<IpAddress> FreeAddresses::nth(uint128 k) const {
  return nth_free(counts_, taken_, k);
}

std::optional<IpAddress> FreeAddresses::pick(const RandomSource& random) const {
  if (counts_.total == 0) {
    return std::nullopt;
  }
  return nth(draw_below(random, counts_.total));
}

bool FreeAddresses::mark_allocated(const IpAddress& address) {
  const auto& pools = counts_.pools;
  const auto pool = std::partition_point(pools.begin(), pools.end(),
                                         [&](const IpRange& p) { return p.last < address; });
  if (pool == pools.end() || !pool->contains(address)) {
    return false;
  }
  const auto at = std::lower_bound(taken_.begin(), taken_.end(), address);
  if (at != taken_.end() && *at == address) {
    return false;
  }
  taken_.insert(at, address);
  --counts_.free[pool - pools.begin()];
  --counts_.total;
  return true;
}

std::optional<IpAddress> pick_free_address(const std::vector<IpRange>& pools,
                                           const std::vector<IpAddress>& allocated,
                                           const RandomSource& random) {
  // Use the caller's list in place when it is already in order: no copy, no sort.
  std::vector<IpAddress> copy;
  Taken taken = allocated;
  if (!strictly_increasing(allocated)) {
    copy = sorted_unique(allocated);
    taken = copy;
  }
  const auto counts = count_pools(pools, taken);
  if (counts.total == 0) {
    return std::nullopt;
  }
  return nth_free(counts, taken, draw_below(random, counts.total));
}

uint128 count_free_addresses(const std::vector<IpRange>& pools,
                             const std::vector<IpAddress>& allocated) {
  if (strictly_increasing(allocated)) {
    return count_pools(pools, allocated).total;
  }
  return count_pools(pools, sorted_unique(allocated)).total;
}

}  // namespace neutrino::ipam
