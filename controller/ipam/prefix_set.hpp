#pragma once
// The prefixes of a subnet pool as a set of addresses: compacted as Neutron's IPSet.compact()
// does, asked whether it covers a block, and searched for the first free block of a size.
#include <optional>
#include <vector>

#include "controller/ipam/cidr.hpp"

namespace neutrino::ipam {

// The fewest CIDRs covering exactly the union of `prefixes` (overlaps and adjacent siblings
// merged), in address order. All prefixes must be of one IP version.
std::vector<Cidr> compact_prefixes(const std::vector<Cidr>& prefixes);

// The addresses of `prefixes` that are not in `removed`, compacted.
std::vector<Cidr> subtract_prefixes(const std::vector<Cidr>& prefixes,
                                    const std::vector<Cidr>& removed);

// Whether every address of `block` lies in the union of `prefixes`.
bool covers(const std::vector<Cidr>& prefixes, const Cidr& block);

// The lowest block of `prefix_length` bits inside `prefixes` that overlaps none of `used`;
// nullopt when none is left (or the length is shorter than every prefix).
std::optional<Cidr> first_free_block(const std::vector<Cidr>& prefixes,
                                     const std::vector<Cidr>& used, int prefix_length);

}  // namespace neutrino::ipam
