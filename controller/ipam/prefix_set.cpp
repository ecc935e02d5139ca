#include "controller/ipam/prefix_set.hpp"

#include <algorithm>

namespace neutrino::ipam {
namespace {

struct Span {
  uint128 first;
  uint128 last;
};

// The low `host_bits` bits set: the offset of a block's last address.
uint128 host_mask(int host_bits) {
  return host_bits >= 128 ? ~uint128{0} : (uint128{1} << host_bits) - 1;
}

// Sorted, with overlapping and touching spans merged.
std::vector<Span> merged_spans(const std::vector<Cidr>& prefixes) {
  std::vector<Span> spans;
  for (const auto& p : prefixes) {
    spans.push_back({p.network().value(), p.last().value()});
  }
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
    return a.first < b.first || (a.first == b.first && a.last > b.last);
  });
  std::vector<Span> out;
  for (const auto& s : spans) {
    // "touching": the span starts right after the previous one (no overflow past the top).
    if (!out.empty() && (s.first <= out.back().last || s.first - 1 == out.back().last)) {
      out.back().last = std::max(out.back().last, s.last);
    } else {
      out.push_back(s);
    }
  }
  return out;
}

// A span cut into the largest aligned blocks, lowest first.
void append_blocks(std::vector<Cidr>& out, int version, Span span) {
  const int bits = version == 4 ? 32 : 128;
  uint128 start = span.first;
  while (true) {
    int host_bits = bits;
    while (host_bits > 0 &&
           ((start & host_mask(host_bits)) != 0 || host_mask(host_bits) > span.last - start)) {
      --host_bits;
    }
    out.emplace_back(IpAddress(version, start), bits - host_bits);
    const uint128 block_last = start + host_mask(host_bits);
    if (block_last >= span.last) {
      return;
    }
    start = block_last + 1;
  }
}

}  // namespace

std::vector<Cidr> compact_prefixes(const std::vector<Cidr>& prefixes) {
  std::vector<Cidr> out;
  if (prefixes.empty()) {
    return out;
  }
  for (const auto& span : merged_spans(prefixes)) {
    append_blocks(out, prefixes.front().version(), span);
  }
  return out;
}

std::vector<Cidr> subtract_prefixes(const std::vector<Cidr>& prefixes,
                                    const std::vector<Cidr>& removed) {
  std::vector<Cidr> out;
  if (prefixes.empty()) {
    return out;
  }
  const auto cuts = merged_spans(removed);
  for (Span span : merged_spans(prefixes)) {
    bool left = true;  // whether some of `span` remains to be emitted
    for (const auto& cut : cuts) {
      if (cut.last < span.first || cut.first > span.last) {
        continue;
      }
      if (cut.first > span.first) {
        append_blocks(out, prefixes.front().version(), {span.first, cut.first - 1});
      }
      if (cut.last >= span.last) {
        left = false;
        break;
      }
      span.first = cut.last + 1;
    }
    if (left) {
      append_blocks(out, prefixes.front().version(), span);
    }
  }
  return out;
}

bool covers(const std::vector<Cidr>& prefixes, const Cidr& block) {
  const uint128 first = block.network().value();
  const uint128 last = block.last().value();
  for (const auto& span : merged_spans(prefixes)) {
    if (span.first <= first && last <= span.last) {
      return true;
    }
  }
  return false;
}

std::optional<Cidr> first_free_block(const std::vector<Cidr>& prefixes,
                                     const std::vector<Cidr>& used, int prefix_length) {
  for (const auto& prefix : compact_prefixes(prefixes)) {
    if (prefix.prefix_length() > prefix_length || prefix_length > prefix.network().bits()) {
      continue;
    }
    const uint128 mask = host_mask(prefix.network().bits() - prefix_length);
    const uint128 end = prefix.last().value();
    uint128 start = prefix.network().value();
    while (true) {
      // The block taken is free unless a used block overlaps it; then the search resumes at
      // the first aligned block past the furthest overlapping one.
      std::optional<uint128> skip_to_last;
      for (const auto& u : used) {
        if (u.version() == prefix.version() && u.network().value() <= start + mask &&
            u.last().value() >= start) {
          skip_to_last = std::max(skip_to_last.value_or(0), u.last().value());
        }
      }
      if (!skip_to_last) {
        return Cidr(IpAddress(prefix.version(), start), prefix_length);
      }
      if (*skip_to_last >= end) {
        break;
      }
      // The last block of the prefix starts at end - mask; past it nothing fits (and rounding
      // up would overflow at the top of the address space).
      const uint128 next = *skip_to_last + 1;
      if (next > end - mask) {
        break;
      }
      start = (next & mask) == 0 ? next : (next | mask) + 1;
    }
  }
  return std::nullopt;
}

}  // namespace neutrino::ipam
